// JIT provisioning with group-to-role mapping and an email-domain allow-list (authscript).
//
// Users sign in with username & password or through a connection. For a first federated login,
// JIT provisioning creates a local account; its roles come from the connection's role mappings
// (IdP group -> local role, for example 'gh-admins' -> 'admin'). Before the account is created,
// onProvisioningRequest checks the user's email domain against the allow-list and refuses
// everyone else (the login fails with PROVISIONING_DENIED and no account is created). It can also
// keep the IdP's groups as local groups and add default roles.
// Because authscript provisions when the federated step succeeds, the login's callbacks already
// see the mapped roles: users with an elevated role go on to step 2 (TOTP), which works because
// the account exists.

// Only users with an email address in these domains (or their subdomains) get an account.
var allowedEmailDomains = ['example.com'];
// Refuse accounts whose email the identity provider does not assert as verified (email_verified).
// Set to false only for connections that verify emails themselves but do not say so.
var requireVerifiedEmail = true;
// Roles every provisioned account gets, on top of the connection's role mappings.
var defaultRoles = ['app-user'];
// Keep the identity provider's groups (the connection's groups claim) as local groups.
var keepIdpGroups = true;
// The groups claim of the identity provider.
var groupsClaim = 'groups';
// Users with any of these roles get the second factor.
var rolesToStepUp = ['admin'];

var onProvisioningRequest = function (context, request) {
    var email = request.user.claims['http://wso2.org/claims/emailaddress'] || request.remoteClaims.email || '';
    var domain = email.indexOf('@') > 0 ? email.split('@').pop().toLowerCase() : '';
    var allowed = allowedEmailDomains.some(function (allowedDomain) {
        var d = allowedDomain.toLowerCase();
        return domain === d || domain.endsWith('.' + d);
    });
    if (!allowed) {
        request.deny('Sign-ups through ' + request.idp + ' are limited to ' + allowedEmailDomains.join(', ') + ' email addresses');
        return;
    }
    if (requireVerifiedEmail && request.remoteClaims.email_verified !== 'true') {
        request.deny('The email address from ' + request.idp + ' is not verified');
        return;
    }
    request.user.roles = request.user.roles.concat(defaultRoles.filter(function (role) {
        return request.user.roles.indexOf(role) < 0;
    }));
    if (keepIdpGroups && request.remoteClaims[groupsClaim]) {
        request.user.groups = request.remoteClaims[groupsClaim].split(',').map(function (group) {
            return group.trim();
        });
    }
    Log.info('Provisioning ' + getMaskedValue(request.user.username) + ' from ' + request.idp + ' with roles ' + request.user.roles.join(', ') +
        ' and groups ' + (request.user.groups.join(', ') || 'none'));
};

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (hasAnyOfTheRoles(user, rolesToStepUp)) {
                Log.info(getMaskedValue(user.username) + ' has one of the roles ' + rolesToStepUp.join(', ') + ': second factor required');
                executeStep(2);
            }
        }
    });
};
