package dsn

import (
	"net"
	"strings"
)

// parseMySQL reads go-sql-driver/mysql's DSN,
//
//	[user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN]
//
// as that driver splits it: at the last "/", then the last "@" before it,
// then the first ":" of the credentials and the first "(" of the network
// part. The network defaults to tcp and the address to 127.0.0.1:3306
// (/tmp/mysql.sock over unix); another network without an address, an
// address without its closing parenthesis, or a non-empty DSN without a
// "/", cannot be read. The user, host, port and database are always
// returned, empty when absent.
func parseMySQL(dsn string) (map[string]string, bool) {
	slash := strings.LastIndexByte(dsn, '/')
	if slash < 0 && dsn != "" {
		return nil, false
	}
	var user, network, addr string
	if slash > 0 {
		left := dsn[:slash]
		at := strings.LastIndexByte(left, '@')
		if at >= 0 {
			user, _, _ = strings.Cut(left[:at], ":")
		}
		network = left[at+1:]
		if open := strings.IndexByte(network, '('); open >= 0 {
			if !strings.HasSuffix(network, ")") {
				return nil, false
			}
			network, addr = network[:open], network[open+1:len(network)-1]
		}
	}
	var db string
	if slash >= 0 {
		db, _, _ = strings.Cut(dsn[slash+1:], "?")
	}
	if network == "" {
		network = "tcp"
	}
	if addr == "" {
		switch network {
		case "tcp":
			addr = "127.0.0.1:3306"
		case "unix":
			addr = "/tmp/mysql.sock"
		default:
			return nil, false
		}
	}
	host, port, _ := net.SplitHostPort(addr)
	return map[string]string{keyUser: user, keyHost: host, keyPort: port, keyDB: db}, true
}
