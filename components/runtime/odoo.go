package runtime

import (
	"strconv"
	"strings"
)

// Odoo's settings, the same on every cloud (decision 0013): each runtime writes
// OptionsText as the start of odoo.conf and has its init step set Parameters.

// LocalURL is where Odoo reaches itself: report.url, so wkhtmltopdf fetches the
// report's assets from the local server rather than through the edge.
var LocalURL = "http://127.0.0.1:" + strconv.Itoa(AppPort)

// Options are Odoo's configuration without a secret: what the server runs with
// (odoo.conf [options]). Each runtime's setup step adds db_user, db_password,
// admin_passwd and smtp_password from the secret store and writes the file; nothing secret passes an
// environment variable of the server, a command line, or the plan.
func Options(s Spec, databaseHost string) [][2]string {
	s = s.WithDefaults()
	z := SizingOf(s)
	out := [][2]string{
		{"data_dir", FileStorePath},
		{"db_host", databaseHost},
		{"db_port", "5432"},
		{"db_name", s.DatabaseName},
		{"db_sslmode", "require"}, // ENC-1: the database refuses plain connections too
		// One database, never a list: the filter admits only the customer's database
		// and the database manager and selector are off (Odoo: --no-database-list).
		{"dbfilter", "^" + s.DatabaseName + "$"},
		{"list_db", "False"},
		{"without_demo", "all"},
		// Behind Cloudflare and the load balancer: Odoo applies its proxy fix
		// (X-Forwarded-For, -Proto, -Host) only with proxy_mode and X-Forwarded-Host.
		{"proxy_mode", "True"},
		{"http_port", strconv.Itoa(AppPort)},
		{"gevent_port", strconv.Itoa(WebsocketPort)},
		{"workers", strconv.Itoa(z.Workers)},
		{"max_cron_threads", strconv.Itoa(z.MaxCronThreads)},
		{"limit_memory_soft", strconv.Itoa(z.LimitMemorySoft)},
		{"limit_memory_hard", strconv.Itoa(z.LimitMemoryHard)},
		{"limit_time_cpu", strconv.Itoa(z.LimitTimeCPU)},
		{"limit_time_real", strconv.Itoa(z.LimitTimeReal)},
		{"limit_time_real_cron", strconv.Itoa(z.LimitTimeRealCron)},
		{"log_level", "info"},
	}
	if m := s.Mail; m != nil {
		// Outgoing mail through the relay only, with STARTTLS (Odoo: smtp_ssl); the
		// password is added by setup from the secret store.
		out = append(out, [][2]string{
			{"smtp_server", m.Host}, {"smtp_port", strconv.Itoa(m.Port)}, {"smtp_ssl", "True"},
			{"smtp_user", m.User}, {"email_from", m.From},
		}...)
	}
	return out
}

// OptionsText renders Options as the start of odoo.conf.
func OptionsText(s Spec, databaseHost string) string {
	var b strings.Builder
	b.WriteString("[options]\n")
	for _, kv := range Options(s, databaseHost) {
		b.WriteString(kv[0] + " = " + kv[1] + "\n")
	}
	return b.String()
}

// Parameters are the system parameters the init container sets in the database on
// every start: web.base.url on https with the customer's hostname, frozen so a login
// through another address never changes it, and report.url on the local server so
// PDF reports render.
func Parameters(s Spec) map[string]string {
	return map[string]string{
		"web.base.url":        "https://" + s.Hostnames[0],
		"web.base.url.freeze": "True",
		"report.url":          LocalURL,
	}
}
