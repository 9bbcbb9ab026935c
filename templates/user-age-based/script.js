// User-age-based access control (WSO2 "User-Age-Based" template).
//
// After step 1 the user's date of birth is read from a local claim (YYYY-MM-DD). Users younger
// than the age limit are sent to an error page. So are users whose date of birth is missing or
// is not a valid date: the check fails closed.
// The age is computed in UTC on the login's date.

// Minimum age, in whole years.
var ageLimit = 18;
// The claim that holds the date of birth, as YYYY-MM-DD.
var dateOfBirthClaim = 'http://wso2.org/claims/dob';
// Where to send denied users; '' means the server's default error page.
var errorPage = '';

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.steps[1].subject;
            var dateOfBirth = parseDateOfBirth(user.localClaims[dateOfBirthClaim]);
            if (dateOfBirth === null) {
                Log.info('Access denied: ' + getMaskedValue(user.username) + ' has no valid date of birth');
                sendError(errorPage, {
                    'status': 'Unauthorized',
                    'statusMsg': 'Your date of birth is missing from your profile. Please update it to sign in.'
                });
            } else if (ageOn(dateOfBirth, new Date()) < ageLimit) {
                Log.info('Access denied: ' + getMaskedValue(user.username) + ' is under ' + ageLimit);
                sendError(errorPage, {
                    'status': 'Unauthorized',
                    'statusMsg': 'You need to be at least ' + ageLimit + ' years old to sign in to this application.'
                });
            }
        }
    });
};

// The date of birth as {year, month, day}, or null when it is missing, not YYYY-MM-DD, not a
// real calendar date (2001-02-30) or in the future.
function parseDateOfBirth(value) {
    var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || '');
    if (match === null) {
        return null;
    }
    var year = Number(match[1]);
    var month = Number(match[2]);
    var day = Number(match[3]);
    var date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
        return null;
    }
    if (date.getTime() > Date.now()) {
        return null;
    }
    return { year: year, month: month, day: day };
}

// Whole years between the date of birth and `today` (the birthday counts from its first day).
function ageOn(dateOfBirth, today) {
    var age = today.getUTCFullYear() - dateOfBirth.year;
    var month = today.getUTCMonth() + 1;
    if (month < dateOfBirth.month || (month === dateOfBirth.month && today.getUTCDate() < dateOfBirth.day)) {
        age--;
    }
    return age;
}
