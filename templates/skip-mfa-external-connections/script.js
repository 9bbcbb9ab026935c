// Skip MFA for external connections (WSO2 "Sign-In-Option-Based" template, as the WSO2 JIT guide
// uses it for connections with JIT provisioning disabled).
//
// Everyone signs in with step 1, with username & password or through an external connection
// (Google, GitHub, an enterprise IdP, ...). Only local sign-ins (step 1's idp is 'LOCAL') go on
// to step 2 (TOTP); sign-ins through a connection skip it, since that identity provider
// authenticated the user already.
// Why it matters: TOTP needs a local account. With JIT provisioning disabled on a connection,
// its users have none, and an unconditional step 2 would fail every one of their logins.

// Connections whose users still get the second factor. List only connections with JIT
// provisioning enabled: their users have a local account for TOTP.
var connectionsRequiringMfa = [];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var idp = context.steps[1].idp;
            if (idp === 'LOCAL' || connectionsRequiringMfa.indexOf(idp) >= 0) {
                executeStep(2);
            } else {
                Log.info('Signed in through ' + idp + ': second factor skipped');
            }
        }
    });
};
