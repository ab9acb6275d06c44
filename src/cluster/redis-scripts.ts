/**
 * The atomic steps of the Redis cluster state. Each join and leave is one script, so two nodes
 * racing on one channel see exactly one "occupied", one "vacated", one "member added" per user.
 * Both are idempotent: a socket already there (or already gone) changes nothing, so re-registering
 * after a Redis restart, or a survivor repeating a dead node's cleanup, is harmless.
 */

/**
 * KEYS: sockets, users, infos, channels, node subscriptions, roster version.
 * ARGV: socket id, node id, user id ('' off presence), user_info JSON, max members, channel, node entry.
 * Returns {status (1 joined, 0 already there, -1 full), occupied, member added, count, roster, version}.
 * The version counts presence changes of the channel: a roster is exact as of its version, so a
 * node sends a member frame of version v only to sockets whose roster is older than v.
 */
export const JOIN_SCRIPT = `
local sockets, users, infos, channels, node, version = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local socket, nodeId, user, info, max, channel, entry = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
local function roster()
  if user == '' then return {} end
  return redis.call('HGETALL', infos)
end
local function current()
  return tonumber(redis.call('GET', version) or '0')
end
if redis.call('HEXISTS', sockets, socket) == 1 then
  return {0, 0, 0, redis.call('HLEN', sockets), roster(), current()}
end
local added = 0
if user ~= '' then
  if redis.call('HEXISTS', users, user) == 0 then
    if redis.call('HLEN', users) >= max then
      return {-1, 0, 0, redis.call('HLEN', sockets), {}, 0}
    end
    added = 1
  end
  redis.call('HINCRBY', users, user, 1)
  redis.call('HSET', infos, user, info)
  redis.call('INCR', version)
  redis.call('PERSIST', version)
end
redis.call('HSET', sockets, socket, nodeId .. '|' .. user)
redis.call('SADD', node, entry)
local count = redis.call('HLEN', sockets)
local occupied = 0
if count == 1 then
  redis.call('SADD', channels, channel)
  occupied = 1
end
return {1, occupied, added, count, roster(), current()}
`;

/**
 * KEYS: sockets, users, infos, channels, node subscriptions, roster version.
 * ARGV: socket id, channel, node entry.
 * Returns {left, vacated, removed user id ('' for none), count, version}.
 */
export const LEAVE_SCRIPT = `
local sockets, users, infos, channels, node, version = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local socket, channel, entry = ARGV[1], ARGV[2], ARGV[3]
redis.call('SREM', node, entry)
local value = redis.call('HGET', sockets, socket)
if not value then
  return {0, 0, '', redis.call('HLEN', sockets), 0}
end
redis.call('HDEL', sockets, socket)
local user = string.sub(value, string.find(value, '|', 1, true) + 1)
local removed = ''
local v = 0
if user ~= '' then
  v = redis.call('INCR', version)
  if redis.call('HINCRBY', users, user, -1) <= 0 then
    redis.call('HDEL', users, user)
    redis.call('HDEL', infos, user)
    removed = user
  end
end
local count = redis.call('HLEN', sockets)
local vacated = 0
if count == 0 then
  redis.call('SREM', channels, channel)
  -- Kept a while so a late member frame still compares right; then it goes, and a new roster starts over.
  redis.call('PEXPIRE', version, 3600000)
  vacated = 1
end
return {1, vacated, removed, count, v}
`;

/**
 * KEYS: user sockets, node users. ARGV: socket id, node entry, 1 to add / 0 to remove.
 * Returns 1 when the user came online (add) or went offline (remove) in the cluster.
 */
export const USER_SCRIPT = `
if ARGV[3] == '1' then
  redis.call('SADD', KEYS[2], ARGV[2])
  if redis.call('SADD', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 1 then return 1 end
  return 0
end
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 and redis.call('SCARD', KEYS[1]) == 0 then return 1 end
return 0
`;

/**
 * KEYS: app connections. ARGV: node id, max (0 = unlimited).
 * Counts a socket unless the app already has max across every node: check and count in one step,
 * so a burst spread over nodes cannot pass the quota.
 */
export const OPEN_CONNECTION_SCRIPT = `
local max = tonumber(ARGV[2])
if max > 0 then
  local total = 0
  for _, n in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(n) end
  if total >= max then return 0 end
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return 1
`;
