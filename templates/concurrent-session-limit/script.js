// Concurrent-session limit (WSO2 "Concurrent-Session-Based" template).
//
// After step 1, users with any of the roles below go through step 2, the SessionExecutor
// authenticator. When they already have maxSessionCount active sessions, it shows the page where
// they end an old session or give up this login.
// Unlike the WSO2 original, which hard-coded '1', the limit below is the one passed on.

// Users with any of these roles are limited; an empty list limits everyone.
var rolesToLimit = ['admin', 'manager'];
// How many sessions such a user may have at once.
var maxSessionCount = 1;

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (rolesToLimit.length === 0 || hasAnyOfTheRoles(user, rolesToLimit)) {
                Log.info('Limiting ' + getMaskedValue(user.username) + ' to ' + maxSessionCount + ' session(s)');
                executeStep(2, {
                    authenticatorParams: {
                        local: {
                            SessionExecutor: {
                                MaxSessionCount: String(maxSessionCount)
                            }
                        }
                    }
                }, {});
            }
        }
    });
};
