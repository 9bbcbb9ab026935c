// Login-attempts-based adaptive MFA (WSO2 "Login-Attempts-Based" template).
//
// A user who signs in after several failed attempts in a row must also complete step 2 (TOTP).
// The count comes from the claim that the account-lock handler keeps
// (failedLoginAttemptsBeforeSuccess). A failed step 1 does not end the login: onFail shows
// step 1 again (the account-lock handler locks the account after too many failures).
// After a successful second factor the counter is reset, so the next login is normal again.

// Failed attempts before a success that trigger the second factor.
var invalidAttemptsToStepup = 3;
// The claim that counts failed attempts before the last success.
var failedLoginAttemptsBeforeSuccessClaim = 'http://wso2.org/claims/identity/failedLoginAttemptsBeforeSuccess';

var onLoginRequest = function (context) {
    doLogin(context);
};

// Step 1, shown again after every failed attempt.
function doLogin(context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.steps[1].subject;
            var failedAttempts = Number(user.localClaims[failedLoginAttemptsBeforeSuccessClaim] || 0);
            if (failedAttempts >= invalidAttemptsToStepup) {
                Log.info(getMaskedValue(user.username) + ' signed in after ' + failedAttempts + ' failed attempts: second factor required');
                executeStep(2, {
                    onSuccess: function (context) {
                        // Read the user from the context: WSO2 does not keep closures between steps.
                        context.steps[1].subject.localClaims[failedLoginAttemptsBeforeSuccessClaim] = '0';
                    }
                });
            }
        },
        onFail: function (context) {
            Log.info('Step 1 failed: showing it again');
            doLogin(context);
        }
    });
}
