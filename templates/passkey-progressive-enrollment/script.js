// Passkey progressive enrollment (WSO2 "Passkey Progressive Enrollment" template).
//
// Step 1 offers username & password and passkeys (FIDOAuthenticator). A user without a passkey
// who picks "sign in with a passkey" makes the FIDO authenticator fail with the request parameter
// scenario=INIT_FIDO_ENROLL. The script then:
//   1. shows step 1 again without the passkey option, so the user proves who they are with
//      another sign-in option (this run becomes the subject step);
//   2. runs step 1 once more with only the passkey option, forced, to enroll the new passkey.
// A passkey failure for any other reason fails the login.

var onLoginRequest = function (context) {
    executeStep(1, {
        onFail: function (context) {
            var scenario = context.request.params.scenario;
            if (scenario !== null && scenario[0] === 'INIT_FIDO_ENROLL') {
                Log.info('Passkey enrollment requested: verify the user first');
                var withoutPasskeys = filterAuthenticators(context.steps[1].options, 'FIDOAuthenticator');
                executeStep(1, {
                    stepOptions: {
                        markAsSubjectIdentifierStep: 'true',
                        markAsSubjectAttributeStep: 'true'
                    },
                    authenticationOptions: withoutPasskeys
                }, {
                    onSuccess: function (context) {
                        Log.info('Verified: enroll the passkey');
                        executeStep(1, {
                            stepOptions: {
                                forceAuth: 'true'
                            },
                            authenticationOptions: [{ authenticator: 'FIDOAuthenticator' }]
                        }, {});
                    }
                });
            }
        }
    });
};
