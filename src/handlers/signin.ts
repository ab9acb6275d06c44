import type { Hub } from '../channels/hub.js';
import type { Connection } from '../connections/connection.js';
import { isValidUserId } from '../protocol/channel-names.js';
import { CODES, type CodeEntry } from '../protocol/codes.js';
import { MAX_USER_DATA_DEPTH, jsonNestingDepth } from '../protocol/safe-json.js';
import { signinSuccessFrame } from '../protocol/server-frames.js';
import { forwardFailureEntry } from '../auth/forward-failure-entry.js';
import { userAuthString, verifyToken } from '../auth/signatures.js';

const WATCHLIST_LIMIT = 100;

/** pusher:signin — user authentication over `socket_id::user::user_data`. */
export async function signIn(hub: Hub, connection: Connection, auth: string, userData: string | undefined): Promise<void> {
  // The client always gets 4310; the rejection is logged and counted under what actually happened.
  const fail = (why: string, entry: CodeEntry = CODES.signinFailed) => {
    connection.sendError(CODES.signinFailed, why);
    hub.observers.emit('rejected', { entry, detail: why, appId: connection.app.id, ip: connection.ip, socketId: connection.socketId });
  };
  if (auth === '' && hub.authForwarder?.canAuthenticateUsers) {
    const started = hub.observers.tracing ? performance.now() : 0;
    const result = await hub.authForwarder.authenticateUser({
      socketId: connection.socketId, headers: connection.headers, ip: connection.ip, isStale: () => connection.closed,
    });
    if (hub.observers.tracing) {
      hub.observers.emit('trace', {
        kind: 'auth_forward', appId: connection.app.id, socketId: connection.socketId, ip: connection.ip,
        status: result.ok ? 200 : result.status, ms: started === 0 ? 0 : performance.now() - started,
      });
    }
    if (connection.closed) return;
    if (!result.ok) {
      // 429 and 503 may mean Laravel was never asked: say what happened, not "refused".
      const entry = forwardFailureEntry(result.status);
      return fail(`Sign-in failed: ${entry.message} (${result.status}): ${result.reason}`, entry);
    }
    auth = result.auth;
    userData = result.userData;
  }
  if (userData === undefined) {
    // Only an empty-auth sign-in may omit user_data, and only the user auth endpoint can fill it in.
    connection.sendError(CODES.invalidMessage, 'Invalid message: pusher:signin needs data.user_data (JSON string) and data.auth (string); an empty auth without user_data needs the sidecar to run with --user-auth-url');
    return;
  }
  if (!verifyToken(auth, connection.app.key, connection.app.secret, userAuthString(connection.socketId, userData))) {
    return fail('Invalid signature for pusher:signin');
  }
  if (jsonNestingDepth(userData) > MAX_USER_DATA_DEPTH) return fail(`user_data is nested deeper than ${MAX_USER_DATA_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    return fail('user_data is not valid JSON');
  }
  const { id, user_info: info, watchlist } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof id !== 'string' || !isValidUserId(id)) return fail('user_data.id must be a non-empty string (cast it: (string) $user->id)');
  if (connection.user && connection.user.id !== id) return fail('This connection is already signed in as another user');
  const ids = Array.isArray(watchlist) ? watchlist.filter((w): w is string => typeof w === 'string') : [];
  connection.user = { id, info: info ?? {}, watchlist: ids.slice(0, WATCHLIST_LIMIT), userData };
  connection.send(signinSuccessFrame(userData));
  if (ids.length > WATCHLIST_LIMIT) connection.sendError(CODES.watchlistLimit);
  // A repeated sign-in as the same user keeps the socket counted once (the state is a set).
  await hub.signIn(connection);
  if (hub.observers.tracing) hub.observers.emit('trace', { kind: 'signed_in', appId: connection.app.id, socketId: connection.socketId, ip: connection.ip, userId: id });
}
