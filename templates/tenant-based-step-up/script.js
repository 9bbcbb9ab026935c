// Tenant-based adaptive MFA (WSO2 "Tenant-Based" template), for applications shared by several
// tenants (SaaS applications).
//
// Everyone signs in with step 1. Users who belong to any of the tenants below must also complete
// step 2 (TOTP).

// Users of these tenant domains get the second factor.
var tenantsToStepUp = ['abc.com', 'xyz.com'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (tenantsToStepUp.indexOf(user.tenantDomain) >= 0) {
                Log.info(getMaskedValue(user.username) + ' belongs to the tenant ' + user.tenantDomain + ': second factor required');
                executeStep(2);
            }
        }
    });
};
