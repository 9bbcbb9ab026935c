// IP-based adaptive MFA (WSO2 "IP-Based" template), for IPv4 and IPv6.
//
// Everyone signs in with step 1. Logins from outside the corporate networks below must also
// complete step 2 (TOTP). Networks are CIDR blocks of either family ('10.0.0.0/8',
// '2001:db8::/32'); a bare address means that address only. An IPv4-mapped IPv6 address
// (::ffff:10.100.3.4) is compared as the IPv4 address it carries.
// A login whose address is missing or unreadable is treated as outside: the check fails closed.
// context.request.ip is the first X-Forwarded-For address when the request has one: make sure
// your proxy sets that header and clients cannot.
//
// Unlike the WSO2 original (IPv4 only, for loops), the matcher handles IPv6 and uses no loop
// statements, so the script also saves on hosts that forbid loops (Asgardeo).

// Logins from these networks skip the second factor.
var corpNetwork = ['192.168.1.0/24', '10.100.0.0/16', '2001:db8:1234::/48'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var ip = context.request.ip;
            if (!isInAnyNetwork(ip, corpNetwork)) {
                Log.info('Login from ' + ip + ', outside the corporate network: second factor required');
                executeStep(2);
            }
        }
    });
};

// Whether `ip` (text) is in any of the CIDR blocks. Blocks that do not parse are logged and skipped.
function isInAnyNetwork(ip, cidrs) {
    var address = parseIp(ip);
    if (address === null) {
        return false;
    }
    return cidrs.some(function (text) {
        var cidr = parseCidr(text);
        if (cidr === null) {
            Log.error('Ignoring the invalid network "' + text + '" in corpNetwork');
            return false;
        }
        return address.family === cidr.family && cidr.bytes.every(function (networkByte, i) {
            var bits = Math.max(0, Math.min(8, cidr.prefix - 8 * i));
            var mask = (0xff << (8 - bits)) & 0xff;
            return (address.bytes[i] & mask) === (networkByte & mask);
        });
    });
}

// A CIDR block as {family, bytes, prefix}, or null.
function parseCidr(text) {
    var parts = String(text).trim().split('/');
    var network = parseIp(parts[0]);
    if (parts.length > 2 || network === null) {
        return null;
    }
    var bitsInFamily = network.family === 4 ? 32 : 128;
    var prefix = bitsInFamily;
    if (parts.length === 2) {
        if (!/^\d{1,3}$/.test(parts[1])) {
            return null;
        }
        prefix = Number(parts[1]);
        // An IPv4-mapped IPv6 block (::ffff:10.0.0.0/104) counts its prefix over 128 bits.
        if (network.family === 4 && parts[0].indexOf(':') >= 0) {
            prefix -= 96;
        }
    }
    if (prefix < 0 || prefix > bitsInFamily) {
        return null;
    }
    return { family: network.family, bytes: network.bytes, prefix: prefix };
}

// An address as {family: 4, bytes: [4 numbers]} or {family: 6, bytes: [16 numbers]}, or null.
function parseIp(text) {
    if (typeof text !== 'string') {
        return null;
    }
    var value = text.trim();
    return parseIpv4(value) || parseIpv6(value);
}

function parseIpv4(text) {
    var match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (match === null) {
        return null;
    }
    var bytes = match.slice(1).map(function (part) {
        // Leading zeros ('010') are refused: some systems read them as octal.
        return part.length > 1 && part.charAt(0) === '0' ? -1 : Number(part);
    });
    var valid = bytes.every(function (b) {
        return b >= 0 && b <= 255;
    });
    return valid ? { family: 4, bytes: bytes } : null;
}

function parseIpv6(text) {
    // Accept '[2001:db8::1]' and drop a zone index ('fe80::1%eth0').
    var address = text.replace(/^\[(.*)\]$/, '$1').split('%')[0].toLowerCase();
    // A trailing dotted IPv4 part ('::ffff:192.0.2.1') becomes two hexadecimal groups.
    var embedded = /^(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(address);
    if (embedded !== null) {
        var v4 = parseIpv4(embedded[2]);
        if (v4 === null) {
            return null;
        }
        address = embedded[1] + (v4.bytes[0] * 256 + v4.bytes[1]).toString(16) + ':' + (v4.bytes[2] * 256 + v4.bytes[3]).toString(16);
    }
    var halves = address.split('::');
    if (halves.length > 2) {
        return null;
    }
    var head = halves[0] === '' ? [] : halves[0].split(':');
    var tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
    var missing = 8 - head.length - tail.length;
    if (halves.length === 2 ? missing < 1 : missing !== 0) {
        return null;
    }
    var groups = head.concat(new Array(halves.length === 2 ? missing : 0).fill('0'), tail);
    var valid = groups.every(function (group) {
        return /^[0-9a-f]{1,4}$/.test(group);
    });
    if (!valid) {
        return null;
    }
    var bytes = groups.reduce(function (out, group) {
        var n = parseInt(group, 16);
        return out.concat([n >> 8, n & 0xff]);
    }, []);
    // IPv4-mapped IPv6 address: compare it as IPv4.
    var mapped = bytes.slice(0, 10).every(function (b) {
        return b === 0;
    }) && bytes[10] === 0xff && bytes[11] === 0xff;
    return mapped ? { family: 4, bytes: bytes.slice(12) } : { family: 6, bytes: bytes };
}
