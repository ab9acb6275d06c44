/**
 * The PHP that doctor runs (`php -r`, in the project root) to publish the way the app itself does:
 * boot the app through its own vendor/autoload.php and bootstrap/app.php (so .env, the config
 * cache and config/broadcasting.php all count), then call the broadcaster of the default
 * connection. It prints one marked JSON line; the secret never leaves PHP except as a hash,
 * and is blanked out of any error message.
 *
 * argv: channel, event. Kept in a TS string so the built package needs no extra asset.
 */
export const REPORT_MARKER = '@@pusher-sidecar-doctor@@';

export const LARAVEL_PUBLISH_SCRIPT = String.raw`
$report = ['stage' => 'boot'];
$secret = null;
$emit = function () use (&$report, &$secret) {
    if (isset($report['message']) && is_string($secret) && $secret !== '') {
        $report['message'] = str_replace($secret, '[secret]', $report['message']);
    }
    fwrite(STDOUT, "\n@@pusher-sidecar-doctor@@" . json_encode($report, JSON_UNESCAPED_SLASHES) . "\n");
};
register_shutdown_function(function () use (&$report, $emit) {
    $error = error_get_last();
    if (!isset($report['done']) && $error !== null && in_array($error['type'], [E_ERROR, E_PARSE, E_CORE_ERROR, E_COMPILE_ERROR], true)) {
        $report += ['class' => 'fatal error', 'message' => $error['message'], 'file' => $error['file'], 'line' => $error['line']];
        $emit();
    }
});
try {
    require getcwd() . '/vendor/autoload.php';
    $app = require getcwd() . '/bootstrap/app.php';
    $app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();
    $config = $app->make('config');
    $name = $config->get('broadcasting.default');
    $connection = $config->get('broadcasting.connections.' . $name);
    $secret = is_array($connection) ? ($connection['secret'] ?? null) : null;
    $options = is_array($connection) ? ($connection['options'] ?? []) : [];
    $report['config'] = [
        'connection' => $name,
        'driver' => is_array($connection) ? ($connection['driver'] ?? null) : null,
        'app_id' => is_array($connection) ? (string) ($connection['app_id'] ?? '') : null,
        'key' => is_array($connection) ? (string) ($connection['key'] ?? '') : null,
        'secret_sha256' => is_string($secret) ? hash('sha256', $secret) : null,
        'host' => $options['host'] ?? null,
        'port' => isset($options['port']) ? (string) $options['port'] : null,
        'scheme' => $options['scheme'] ?? null,
        'cached' => $app->configurationIsCached(),
    ];
    $report['stage'] = 'publish';
    $manager = $app->make(Illuminate\Broadcasting\BroadcastManager::class);
    // Laravel 11+ maps the reverb driver onto the Pusher one; older frameworks lack the mapping.
    if (($report['config']['driver'] ?? null) === 'reverb' && !method_exists($manager, 'createReverbDriver')) {
        $manager->extend('reverb', function ($app, $config) use ($manager) {
            return (function () use ($config) { return $this->createPusherDriver($config); })->call($manager);
        });
    }
    $manager->connection($name)->broadcast([$argv[1]], $argv[2], ['from' => 'pusher-sidecar doctor']);
    $report['stage'] = 'published';
} catch (Throwable $e) {
    $report += ['class' => get_class($e), 'message' => $e->getMessage(), 'file' => $e->getFile(), 'line' => $e->getLine()];
    $previous = $e->getPrevious();
    if ($previous !== null) $report['previous'] = get_class($previous) . ': ' . $previous->getMessage();
}
$report['done'] = true;
$emit();
`;
