package dsn

import (
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// parsePostgres reads a libpq connection string, "key=value key='a
// value'", or a postgres:// or postgresql:// URL, which it first turns
// into such a string as lib/pq does.
func parsePostgres(dsn string) (map[string]string, bool) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		var ok bool
		if dsn, ok = postgresURLOpts(dsn); !ok {
			return nil, false
		}
	}
	m, err := parseOpts(dsn)
	if err != nil {
		return nil, false
	}
	delete(m, keyPassword)
	return m, true
}

// pgEscaper escapes a value for a connection string.
var pgEscaper = strings.NewReplacer(` `, `\ `, `'`, `\'`, `\`, `\\`)

// postgresURLOpts turns a URL into a connection string, as lib/pq does:
// the user, password, host, port, database (the path) and every query
// parameter (its first value) that is not empty, as key=value settings
// in sorted order, so that of two settings of one key the one that sorts
// last wins.
func postgresURLOpts(dsn string) (string, bool) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", false
	}
	var kvs []string
	add := func(k, v string) {
		if v != "" {
			kvs = append(kvs, k+"="+pgEscaper.Replace(v))
		}
	}
	if u.User != nil {
		add(keyUser, u.User.Username())
		pw, _ := u.User.Password()
		add(keyPassword, pw)
	}
	if host, port, err := net.SplitHostPort(u.Host); err != nil {
		add(keyHost, u.Host)
	} else {
		add(keyHost, host)
		add(keyPort, port)
	}
	if u.Path != "" {
		add(keyDB, u.Path[1:])
	}
	for k, v := range u.Query() {
		add(k, v[0])
	}
	slices.Sort(kvs)
	return strings.Join(kvs, " "), true
}

var errOpts = errors.New("dsn: malformed connection string")

// parseOpts reads a connection string as lib/pq does: settings separated
// by white space, each a key, "=" (white space around it allowed), and a
// value, either up to the next white space with "\" escaping the next
// character, or in single quotes with "\" escaping. A key at the end with
// "=" and nothing after it has the empty value; a key without "=", a
// trailing "\" or an unterminated quote makes the string unreadable. Text
// that is not UTF-8 reads as U+FFFD, as Go's conversion to runes does.
func parseOpts(s string) (map[string]string, error) {
	m := map[string]string{}
	rs := []rune(s)
	i := 0
	skipSpaces := func() {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
	}
	for {
		skipSpaces()
		if i == len(rs) {
			return m, nil
		}
		start := i
		for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != '=' {
			i++
		}
		key := string(rs[start:i])
		skipSpaces()
		if i == len(rs) || rs[i] != '=' {
			return nil, errOpts
		}
		i++
		skipSpaces()
		if i == len(rs) {
			m[key] = ""
			return m, nil
		}
		val, err := readValue(rs, &i)
		if err != nil {
			return nil, err
		}
		m[key] = val
	}
}

// readValue reads the value that starts at rs[*i], and moves *i past it.
func readValue(rs []rune, i *int) (string, error) {
	var val []rune
	if rs[*i] != '\'' {
		for ; *i < len(rs) && !unicode.IsSpace(rs[*i]); *i++ {
			if rs[*i] == '\\' {
				if *i++; *i == len(rs) {
					return "", errOpts
				}
			}
			val = append(val, rs[*i])
		}
		return string(val), nil
	}
	for *i++; *i < len(rs); *i++ {
		switch rs[*i] {
		case '\'':
			*i++
			return string(val), nil
		case '\\':
			if *i++; *i == len(rs) {
				return "", errOpts
			}
		}
		val = append(val, rs[*i])
	}
	return "", errOpts
}
