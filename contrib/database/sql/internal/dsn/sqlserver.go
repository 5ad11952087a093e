package dsn

import (
	"net"
	"net/url"
	"strings"

	"github.com/ctxtrace/trace/ddtrace/ext"
)

// parseSQLServer reads a sqlserver:// URL or an ADO connection string, as
// go-mssqldb does.
func parseSQLServer(dsn string) (map[string]string, bool) {
	m, ok := map[string]string(nil), true
	if strings.HasPrefix(dsn, "sqlserver://") {
		m, ok = sqlServerURL(dsn)
	} else {
		m = sqlServerADO(dsn)
	}
	delete(m, keyPassword)
	return m, ok
}

// sqlServerURL reads sqlserver://user:password@host:port/instance?database=db:
// the user, host, port and database when not empty, and the path (less
// its "/") as the instance name.
func sqlServerURL(dsn string) (map[string]string, bool) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "sqlserver" {
		return nil, false
	}
	m := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	if u.User != nil {
		add(keyUser, u.User.Username())
	}
	if host, port, err := net.SplitHostPort(u.Host); err != nil {
		add(keyHost, u.Host)
	} else {
		add(keyHost, host)
		add(keyPort, port)
	}
	if u.Path != "" {
		add(ext.MicrosoftSQLServerInstanceName, u.Path[1:])
	}
	add(keyDB, u.Query().Get("database"))
	return m, true
}

// adoSynonyms are the ADO keys that mean one of ours.
var adoSynonyms = map[string]string{
	"server":          keyHost,
	"data source":     keyHost,
	"address":         keyHost,
	"network address": keyHost,
	"addr":            keyHost,
	"uid":             keyUser,
	"user id":         keyUser,
	"initial catalog": keyDB,
	"database":        keyDB,
}

// sqlServerADO reads "key=value;key=value": keys are trimmed and
// lower-cased, values trimmed, and the host may be "tcp:host,port".
func sqlServerADO(dsn string) map[string]string {
	m := map[string]string{}
	for _, field := range strings.Split(dsn, ";") {
		k, v, _ := strings.Cut(field, "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		v = strings.TrimSpace(v)
		if syn, ok := adoSynonyms[k]; ok {
			k = syn
		}
		if k == keyHost {
			v = strings.TrimPrefix(v, "tcp:")
			if host, port, ok := strings.Cut(v, ","); ok && port != "" && !strings.Contains(port, ",") {
				v = host
				m[keyPort] = port
			}
		}
		m[k] = v
	}
	return m
}
