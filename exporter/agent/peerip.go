package agent

import (
	"net/netip"
	"strings"
)

// quantizePeerIPs replaces the IP addresses in a peer tag's value with
// "blocked-ip-address", as the Agent does before it groups statistics by
// peer tags (its obfuscate.QuantizePeerIPAddresses): addresses make the
// groups too many and say nothing the service does not. The value is a
// comma-separated list; each element may carry a scheme prefix
// ("http://", "dnspoll:///"...), an "ip-" prefix (EC2 host names), a port,
// and a suffix after an IPv4 address ("10-1-2-3.svc.local"). Loopback and
// cloud metadata addresses stay. Elements that end up equal are kept
// once.
func quantizePeerIPs(v string) string {
	if !strings.ContainsAny(v, "0123456789:,") {
		return v // no address, no list: the common case, without allocating
	}
	parts := strings.Split(v, ",")
	out := parts[:0]
	for _, p := range parts {
		q := quantizeIP(p)
		dup := false
		for _, o := range out {
			if o == q {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, q)
		}
	}
	return strings.Join(out, ",")
}

// keptAddresses are the addresses left as they are.
var keptAddresses = map[string]bool{
	"127.0.0.1": true, "::1": true, // loopback
	"169.254.169.254": true, "fd00:ec2::254": true, // cloud metadata servers
	"169.254.170.2": true, // ECS task metadata
}

// quantizeIP quantizes one element of a peer tag's value.
func quantizeIP(raw string) string {
	prefix, rest := ipPrefix(raw)
	host, port, ok := hostPort(rest)
	if !ok {
		host = rest
	}
	n := ipLength(host)
	if n < 0 {
		return raw
	}
	if keptAddresses[host[:n]] {
		return raw
	}
	out := prefix + "blocked-ip-address"
	if ok && port != "" {
		out += ":" + port
	}
	return out + host[n:]
}

// ipPrefix splits off what may precede an address: "ip-", or a URL scheme
// and its slashes.
func ipPrefix(raw string) (prefix, rest string) {
	if r, ok := strings.CutPrefix(raw, "ip-"); ok {
		return "ip-", r
	}
	for _, scheme := range []string{"dnspoll", "ftp", "file", "http", "https"} {
		i := strings.Index(raw, scheme)
		if i < 0 {
			continue
		}
		after := raw[i+len(scheme):]
		for _, sep := range []string{":///", "://"} {
			// Something must follow the separator.
			if strings.HasPrefix(after, sep) && len(after) > len(sep) {
				end := i + len(scheme) + len(sep)
				return raw[i:end], raw[end:]
			}
		}
	}
	return "", raw
}

// hostPort splits "host:port" or "[host]:port" at the last colon; ok is
// false when s is not of that form.
func hostPort(s string) (host, port string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", false
	}
	lo, hi := 0, 0 // where '[' and ']' may no longer appear
	if s[0] == '[' {
		end := strings.IndexByte(s, ']')
		if end < 0 || end+1 != i {
			return "", "", false
		}
		host, lo, hi = s[1:end], 1, end+1
	} else {
		host = s[:i]
		if strings.IndexByte(host, ':') >= 0 {
			return "", "", false
		}
	}
	if strings.IndexByte(s[lo:], '[') >= 0 || strings.IndexByte(s[hi:], ']') >= 0 {
		return "", "", false
	}
	return host, s[i+1:], true
}

// ipLength returns the length of the IP address s starts with (an IPv4
// address, with '.', '_' or '-' between its numbers, may be followed by
// more text; an IPv6 address must be all of s), or -1.
func ipLength(s string) int {
	if s == "" || !isHexDigit(s[0]) && s[0] != ':' {
		return -1
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '.', '_', '-':
			return ipv4Length(s, c)
		case ':':
			if _, err := netip.ParseAddr(s); err == nil {
				return len(s)
			}
			return -1
		case '%':
			return -1
		}
	}
	return -1
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// ipv4Length returns the length of the IPv4 address at the start of s,
// with sep between its four numbers (0 to 255, no leading zero), or -1.
func ipv4Length(s string, sep byte) int {
	fields, val, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			if digits == 1 && val == 0 {
				return -1 // leading zero
			}
			val = val*10 + int(c-'0')
			digits++
			if val > 255 {
				return -1
			}
		case c == sep:
			if i == 0 || i == len(s)-1 || s[i-1] == sep {
				return -1
			}
			if fields == 3 {
				return i // four numbers, then more text
			}
			fields++
			val, digits = 0, 0
		default:
			if fields == 3 && digits > 0 {
				return i
			}
			return -1
		}
	}
	if fields < 3 {
		return -1
	}
	return len(s)
}
