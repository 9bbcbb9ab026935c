// Block disposable email domains for federated sign-ups (authscript).
//
// When a user signs in through a connection for the first time, JIT provisioning creates a
// local account. onProvisioningRequest refuses it when the user's email address is at a
// disposable (throw-away) email provider, or at a subdomain of one: the login fails with
// PROVISIONING_DENIED and no account is created. Existing accounts are not affected, and
// username & password sign-ins are not checked (they do not create accounts).

// Email domains that may not sign up. Subdomains are blocked too.
var disposableEmailDomains = ['mailinator.com', 'guerrillamail.com', 'sharklasers.com', '10minutemail.com', 'temp-mail.org', 'tempmail.com', 'yopmail.com', 'trashmail.com', 'getnada.com', 'dispostable.com', 'maildrop.cc', 'throwawaymail.com'];
// Refuse sign-ups that bring no email address at all.
var denyWithoutEmail = false;

var onProvisioningRequest = function (context, request) {
    var email = request.user.claims['http://wso2.org/claims/emailaddress'] || request.remoteClaims.email || '';
    if (email.indexOf('@') < 0) {
        if (denyWithoutEmail) {
            request.deny('Sign-ups through ' + request.idp + ' need an email address');
        }
        return;
    }
    var domain = email.split('@').pop().toLowerCase();
    var blocked = disposableEmailDomains.some(function (disposable) {
        var d = disposable.toLowerCase();
        return domain === d || domain.endsWith('.' + d);
    });
    if (blocked) {
        Log.info('Refusing a sign-up from the disposable email domain ' + domain);
        request.deny('Sign-ups with disposable email addresses (' + domain + ') are not allowed');
    }
};

var onLoginRequest = function (context) {
    executeStep(1);
};
