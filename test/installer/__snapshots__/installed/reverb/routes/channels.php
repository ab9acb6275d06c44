<?php

use Illuminate\Support\Facades\Broadcast;

// Who may listen on each private and presence channel. Laravel runs the matching callback when a
// browser (or pusher-sidecar, with server-side auth) asks /broadcasting/auth: return true to
// allow a private channel, or an array describing the user to join a presence channel.

Broadcast::channel('App.Models.User.{id}', function ($user, $id) {
    return (int) $user->id === (int) $id;
});
