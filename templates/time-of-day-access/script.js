// Time-of-day and weekday access control (authscript).
//
// Users may sign in only on the allowed days, between the opening and the closing time, in the
// time zone given by utcOffset. Outside those hours they are sent to an error page after step 1,
// unless they have one of the roles allowed at any time.
// The clock: scripts see UTC (Date's getHours() is getUTCHours() in authscript; WSO2 uses the
// server's zone), so the offset below says which local time the hours are in. A closing time
// before the opening time spans midnight ('22:00' to '06:00'); the day checked is the local day
// of the login. An unreadable setting denies the login (the check fails closed).

// Days on which users may sign in, in local time.
var allowedDays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
// Opening and closing time, HH:MM, local time.
var openingTime = '08:00';
var closingTime = '18:00';
// Local time as an offset from UTC: '+05:30', '-08:00', '+00:00'. Daylight saving time is not
// applied: change the offset when the clocks change.
var utcOffset = '+05:30';
// Users with any of these roles may sign in at any time.
var rolesAllowedAnytime = ['admin'];
// Where to send users outside the hours; '' means the server's default error page.
var errorPage = '';

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (isWithinHours(new Date()) || hasAnyOfTheRoles(user, rolesAllowedAnytime)) {
                return;
            }
            Log.info('Access denied: ' + getMaskedValue(user.username) + ' signed in outside the allowed hours');
            sendError(errorPage, {
                'status': 'Unauthorized',
                'statusMsg': 'Sign-in is allowed on ' + allowedDays.join(', ') + ' from ' + openingTime + ' to ' + closingTime + ' (UTC' + utcOffset + ').'
            });
        }
    });
};

// Whether `now` falls on an allowed day and within the hours, in local time.
function isWithinHours(now) {
    var offset = offsetMinutes(utcOffset);
    var opening = minutesOfDay(openingTime);
    var closing = minutesOfDay(closingTime);
    if (offset === null || opening === null || closing === null) {
        Log.error('Invalid time-of-day settings (utcOffset, openingTime or closingTime): denying the login');
        return false;
    }
    var local = new Date(now.getTime() + offset * 60000);
    var day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][local.getUTCDay()];
    var dayAllowed = allowedDays.some(function (name) {
        return String(name).slice(0, 3).toLowerCase() === day;
    });
    var minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    var timeAllowed = opening <= closing
        ? minute >= opening && minute < closing
        : minute >= opening || minute < closing;
    return dayAllowed && timeAllowed;
}

// '+05:30' -> 330, '-08:00' -> -480, 'Z' -> 0; null when unreadable.
function offsetMinutes(text) {
    if (text === 'Z') {
        return 0;
    }
    var match = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
    if (match === null || Number(match[2]) > 14 || Number(match[3]) > 59) {
        return null;
    }
    var minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
}

// 'HH:MM' -> minutes since midnight; null when unreadable.
function minutesOfDay(text) {
    var match = /^(\d{2}):(\d{2})$/.exec(text);
    if (match === null || Number(match[1]) > 23 || Number(match[2]) > 59) {
        return null;
    }
    return Number(match[1]) * 60 + Number(match[2]);
}
