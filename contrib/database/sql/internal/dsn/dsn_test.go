package dsn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		driver, dsn string
		want        map[string]string
	}{
		// MySQL: every tag, empty when absent.
		{"mysql", "bob:secret@tcp(db.example:3306)/shop?parseTime=true",
			map[string]string{"db.user": "bob", "out.host": "db.example", "out.port": "3306", "db.name": "shop"}},
		{"mysql", "bob@unix(/var/run/mysqld.sock)/shop",
			map[string]string{"db.user": "bob", "out.host": "", "out.port": "", "db.name": "shop"}},
		{"mysql", "/shop", map[string]string{"db.user": "", "out.host": "127.0.0.1", "out.port": "3306", "db.name": "shop"}},
		{"mysql", "", map[string]string{"db.user": "", "out.host": "127.0.0.1", "out.port": "3306", "db.name": ""}},
		{"mysql", "a:b:c@d@tcp([::1]:3307)/y", map[string]string{"db.user": "a", "out.host": "::1", "out.port": "3307", "db.name": "y"}},
		{"mysql", "tcp(", nil},               // no slash
		{"mysql", "tcp(h)/x/y", nil},         // the last slash ends the address
		{"mysql", "tcp(host/db", nil},        // unterminated address
		{"mysql", "udp/db", nil},             // unknown network without an address
		{"mysql", "mysql://u:p@h:1/db", nil}, // a URL reads as network "h:1"
		{"mysql", "tcp()/db", map[string]string{"db.user": "", "out.host": "127.0.0.1", "out.port": "3306", "db.name": "db"}},

		// PostgreSQL: key=value and URLs; the password never comes back.
		{"postgres", "host=db.example port=5432 user=bob password=secret dbname=shop application_name='my app' sslmode=disable",
			map[string]string{"out.host": "db.example", "out.port": "5432", "db.user": "bob", "db.name": "shop", "db.application": "my app"}},
		{"pgx", "postgres://bob:secret@db.example:5432/shop?application_name=billing&sslmode=disable",
			map[string]string{"out.host": "db.example", "out.port": "5432", "db.user": "bob", "db.name": "shop", "db.application": "billing"}},
		{"postgres", "postgresql://a%20b@h/d%27b", map[string]string{"out.host": "h", "db.user": "a b", "db.name": "d'b"}},
		{"postgres", "postgres://h1/db?host=h2", map[string]string{"out.host": "h2", "db.name": "db"}}, // sorted: the later wins
		{"postgres", "user = bob  dbname= x\\ y host=", map[string]string{"db.user": "bob", "db.name": "x y", "out.host": ""}},
		{"postgres", "user", nil},
		{"postgres", "user='bob", nil},
		{"postgres", `user=bob\`, nil},
		{"postgres", "postgres://h/db?a%20b=c", nil}, // a key with a space cannot be written back
		{"postgres", "file:x.db", nil},

		// SQL Server.
		{"sqlserver", "sqlserver://sa:secret@db.example:1433/inst?database=shop&encrypt=true",
			map[string]string{"db.user": "sa", "out.host": "db.example", "out.port": "1433", "db.name": "shop", "db.mssql.instance_name": "inst"}},
		{"sqlserver", "sqlserver://a%20b@h/i%20j", map[string]string{"db.user": "a b", "out.host": "h", "db.mssql.instance_name": "i j"}},
		{"sqlserver", "Server=tcp:db.example,1433;User Id=sa;Password=secret;Initial Catalog=shop;;=x",
			map[string]string{"out.host": "db.example", "out.port": "1433", "db.user": "sa", "db.name": "shop"}},
		{"sqlserver", "server=a,b,c;database=d", map[string]string{"out.host": "a,b,c", "db.name": "d"}},
		{"sqlserver", "server=h,;port=2", map[string]string{"out.host": "h,", "out.port": "2"}},

		// Other names: the URL's scheme decides.
		{"sqlite", "file:test.db?cache=shared", nil},
		{"sqlite", ":memory:", nil},
		{"custom", "postgres://bob@h:1/db", map[string]string{"db.user": "bob", "out.host": "h", "out.port": "1", "db.name": "db"}},
		{"custom", "MYSQL://u@tcp(h:1)/db", nil}, // read as MySQL's: user "MYSQL", network "//u@tcp"... unreadable
		{"custom", "sqlserver://h/i", map[string]string{"out.host": "h", "db.mssql.instance_name": "i"}},
	} {
		got := Parse(c.driver, c.dsn)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Parse(%q, %q) (-want +got):\n%s", c.driver, c.dsn, diff)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"bob:pw@tcp(h:1)/db", "host=h user='a b'", "postgres://u:p@h:1/d?x=y",
		"sqlserver://u@h/i?database=d", "server=tcp:h,1;uid=u", "x'\\", "a=\\", "file:x?y"} {
		f.Add("mysql", s)
		f.Add("postgres", s)
		f.Add("sqlserver", s)
		f.Add("other", s)
	}
	tags := map[string]bool{}
	for _, tag := range tagOf {
		tags[tag] = true
	}
	f.Fuzz(func(t *testing.T, driver, dsn string) {
		for k := range Parse(driver, dsn) { // and never panics
			if !tags[k] {
				t.Fatalf("Parse(%q, %q) gave tag %q", driver, dsn, k)
			}
		}
	})
}
