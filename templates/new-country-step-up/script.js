// Step-up for a new country (authscript).
//
// Your CDN or reverse proxy tells which country a request comes from, in a header (Cloudflare:
// cf-ipcountry; CloudFront: cloudfront-viewer-country). After step 1, the script compares it with
// the countries the user has signed in from before, kept in a user claim. A login from a country
// not on the list must also complete step 2 (TOTP); when it succeeds, the country is added to the
// list. A missing or unknown country ('XX', Tor's 'T1') steps up as well and is not remembered.
// Trust the header only when your proxy sets it and strips any value a client sends.

// The request header with the client's country (ISO 3166-1 alpha-2 code).
var countryHeader = 'cf-ipcountry';
// The user claim that lists the user's known countries, comma-separated ('LK,GB').
var knownCountriesClaim = 'http://wso2.org/claims/knownCountries';
// Add a new country to the list once the user has passed the second factor.
var rememberNewCountry = true;

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            var country = requestCountry(context);
            var known = knownCountries(user);
            if (country !== null && known.indexOf(country) >= 0) {
                return;
            }
            Log.info('Login from ' + (country || 'an unknown country') + ', not among ' + (known.join(',') || 'no known countries') + ': second factor required');
            executeStep(2, {
                onSuccess: function (context) {
                    // Read everything from the context again: WSO2 does not keep closures between steps.
                    var newCountry = requestCountry(context);
                    if (rememberNewCountry && newCountry !== null) {
                        var subject = context.currentKnownSubject;
                        subject.localClaims[knownCountriesClaim] = knownCountries(subject).concat([newCountry]).join(',');
                    }
                }
            });
        }
    });
};

// The request's country as an upper-case two-letter code, or null when missing or unknown.
function requestCountry(context) {
    var value = String(context.request.headers[countryHeader] || '').trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(value) || value === 'XX' || value === 'T1') {
        return null;
    }
    return value;
}

function knownCountries(user) {
    return String(user.localClaims[knownCountriesClaim] || '').split(',').map(function (code) {
        return code.trim().toUpperCase();
    }).filter(function (code) {
        return code !== '';
    });
}
