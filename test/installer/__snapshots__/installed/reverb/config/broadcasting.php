<?php

// Written by `npx pusher-sidecar install`.
//
// Laravel publishes broadcast events over HTTP to the connection named by BROADCAST_CONNECTION.
// With pusher-sidecar that is a Pusher-protocol server on this machine, so the connection
// below points at the sidecar's internal address (REVERB_HOST / REVERB_PORT),
// while browsers reach the same sidecar through Caddy (the VITE_REVERB_* values).

return [

    'default' => env('BROADCAST_CONNECTION', 'null'),

    'connections' => [

        'reverb' => [
            'driver' => 'reverb',
            'key' => env('REVERB_APP_KEY'),
            'secret' => env('REVERB_APP_SECRET'),
            'app_id' => env('REVERB_APP_ID'),
            'options' => [
                'host' => env('REVERB_HOST', '127.0.0.1'),
                'port' => env('REVERB_PORT', 6001),
                'scheme' => env('REVERB_SCHEME', 'http'),
                'useTLS' => env('REVERB_SCHEME', 'http') === 'https',
            ],
            'client_options' => [
                // Guzzle request options, e.g. 'timeout' => 5.
            ],
        ],

        'log' => [
            'driver' => 'log',
        ],

        'null' => [
            'driver' => 'null',
        ],

    ],

];
