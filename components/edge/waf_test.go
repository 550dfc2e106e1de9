package edge_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
)

const outside, inside = "192.0.2.200", "198.51.100.20"

type wafCase struct {
	name string
	req  edge.Request
	want string // the ref of the rule that blocks; "" passes
}

func get(p string) edge.Request {
	return edge.Request{Method: "GET", Host: "erp.acme.com", Path: p, ClientIP: outside, BotScore: 90}
}

func post(p, body string) edge.Request {
	r := get(p)
	r.Method, r.Body = "POST", body
	return r
}

func runWAF(t *testing.T, rules []edge.Rule, cases []wafCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rule, ok, err := edge.FirstMatch(rules, c.req)
			require.NoError(t, err)
			if c.want == "" {
				require.False(t, ok, "blocked by %s", rule.Ref)
				return
			}
			require.True(t, ok, "passed")
			require.Equal(t, c.want, rule.Ref)
			require.Equal(t, edge.ActionBlock, rule.Action)
		})
	}
}

const dbm = "odoo-database-manager"

const (
	objectCall = `{"jsonrpc":"2.0","method":"call","params":{"service":"object","method":"execute_kw","args":["db","2","secret","res.partner","search",[[]]]}}`
	commonCall = `{"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}`
	dbList     = `{"jsonrpc":"2.0","method":"call","params":{"service":"db","method":"list","args":[]}}`
	dbDrop     = `{"jsonrpc": "2.0", "method": "call", "params": {"service" :  "db", "method": "drop", "args": ["admin", "prod"]}}`
	dbEscaped  = `{"jsonrpc":"2.0","method":"call","params":{"service":"\u0064b","method":"list","args":[]}}`
)

// Paths every plan blocks or passes, whatever the JSON-RPC body.
var databaseManagerCases = []wafCase{
	{"manager", get("/web/database/manager"), dbm},
	{"selector", get("/web/database/selector"), dbm},
	{"list", post("/web/database/list", "{}"), dbm},
	{"backup", post("/web/database/backup", "master_pwd=x&name=prod"), dbm},
	{"drop", post("/web/database/drop", "master_pwd=x&name=prod"), dbm},
	{"bare prefix", get("/web/database"), dbm},
	{"case folded", get("/WEB/Database/Manager"), dbm},
	{"xmlrpc db", post("/xmlrpc/db", "<methodCall/>"), dbm},
	{"xmlrpc 2 db", post("/xmlrpc/2/db", "<methodCall/>"), dbm},
	{"xmlrpc 2 db trailing slash", post("/xmlrpc/2/db/", "<methodCall/>"), dbm},
	{"jsonrpc db list", post("/jsonrpc", dbList), dbm},
	{"jsonrpc db drop spaced", post("/jsonrpc", dbDrop), dbm},
	{"jsonrpc db escaped", post("/jsonrpc", dbEscaped), dbm},
	{"login", get("/web/login"), ""},
	{"login post", post("/web/login", "login=a&password=b"), ""},
	{"web client", get("/web"), ""},
	{"odoo 17 client", get("/odoo/action-sale.action_orders"), ""},
	{"call_kw", post("/web/dataset/call_kw/res.partner/read", "{}"), ""},
	{"xmlrpc object", post("/xmlrpc/2/object", "<methodCall/>"), ""},
	{"xmlrpc common", post("/xmlrpc/2/common", "<methodCall/>"), ""},
	{"lookalike path", get("/web/databases-are-fun"), ""},
	{"website page", get("/blog/database-tips"), ""},
	{"settings without allow-list", get("/odoo/settings"), ""},
}

func TestNET4_DatabaseManagerBlocked(t *testing.T) {
	s := cloudSpec().WithDefaults()
	rules := edge.CustomRules(s)
	require.Len(t, rules, 1)
	runWAF(t, rules, append(databaseManagerCases,
		// Without request body fields the service of a JSON-RPC call is invisible:
		// every /jsonrpc call is blocked and integrations use /xmlrpc/2/object.
		wafCase{"jsonrpc object without body fields", post("/jsonrpc", objectCall), dbm},
		wafCase{"jsonrpc trailing slash", post("/jsonrpc/", objectCall), dbm},
	))
}

func TestNET4_DatabaseManagerBlockedWithBodyFields(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	s.AllowList = nil
	truncated := post("/jsonrpc", objectCall)
	truncated.BodyTruncated = true
	runWAF(t, edge.CustomRules(s), append(databaseManagerCases,
		wafCase{"jsonrpc object", post("/jsonrpc", objectCall), ""},
		wafCase{"jsonrpc common", post("/jsonrpc", commonCall), ""},
		wafCase{"jsonrpc too large to inspect", truncated, dbm},
	))
}

func TestNET5_AdminPathsConfinedToAllowList(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	from := func(r edge.Request, ip string) edge.Request { r.ClientIP = ip; return r }
	debug := get("/web")
	debug.Query = "debug=assets"
	const admin = "odoo-admin-allow-list"
	runWAF(t, edge.CustomRules(s), []wafCase{
		{"settings from outside", get("/odoo/settings"), admin},
		{"settings from inside", from(get("/odoo/settings"), inside), ""},
		{"settings from inside v6", from(get("/odoo/settings"), "2001:db8:100::7"), ""},
		{"become from outside", get("/web/become"), admin},
		{"tests from outside", get("/web/tests"), admin},
		{"debug from outside", debug, admin},
		{"debug from inside", from(debug, inside), ""},
		{"login from outside", get("/web/login"), ""},
		{"database manager from inside", from(get("/web/database/manager"), inside), dbm},
	})
	require.Empty(t, edge.AdminPathsExpression(nil))
	require.Equal(t,
		`((starts_with(lower(http.request.uri.path), "/odoo/settings") or starts_with(lower(http.request.uri.path), "/web/become") or starts_with(lower(http.request.uri.path), "/web/tests") or lower(http.request.uri.query) contains "debug=") and not ip.src in {198.51.100.0/24 2001:db8:100::/48})`,
		edge.AdminPathsExpression(s.AllowList))
}

func TestNET4_BotManagementRuleOnLogin(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	s.AllowList = nil
	bot := func(r edge.Request, score int, verified bool) edge.Request {
		r.BotScore, r.VerifiedBot = score, verified
		return r
	}
	const bots = "odoo-login-bots"
	runWAF(t, edge.CustomRules(s), []wafCase{
		{"likely bot signs in", bot(post("/web/login", "login=a"), 12, false), bots},
		{"likely bot authenticates", bot(post("/web/session/authenticate", "{}"), 29, false), bots},
		{"human signs in", bot(post("/web/login", "login=a"), 30, false), ""},
		{"verified bot", bot(get("/web/login"), 5, true), ""},
		{"likely bot elsewhere", bot(get("/web"), 5, false), ""},
	})
	require.NotContains(t, refs(edge.CustomRules(cloudSpec().WithDefaults())), bots, "the bot score needs Bot Management for Enterprise")
}

func refs(rules []edge.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Ref)
	}
	return out
}

func TestNET4_RateLimitExpressions(t *testing.T) {
	s := cloudSpec()
	s.Hostnames = []string{"erp.acme.com", "acme.com"}
	s = s.WithDefaults()
	rules := edge.RateLimitRules(s)
	require.Len(t, rules, 2)
	login, host := rules[0], rules[1]
	require.Equal(t, `(http.host in {"acme.com" "erp.acme.com"} and http.request.uri.path in {"/web/login" "/web/session/authenticate"})`, login.Expression)
	require.Equal(t, `(http.host in {"acme.com" "erp.acme.com"})`, host.Expression)
	require.Equal(t, []string{"cf.colo.id", "ip.src"}, login.Characteristics)
	require.Equal(t, edge.DefaultLoginRateLimit, login.RateLimit)
	require.Equal(t, edge.DefaultHostRateLimit, host.RateLimit)

	other := get("/web/login")
	other.Host = "shop.example.net"
	for _, c := range []struct {
		req         edge.Request
		login, host bool
	}{
		{get("/web/login"), true, true},
		{post("/web/session/authenticate", "{}"), true, true},
		{get("/web"), false, true},
		{other, false, false},
	} {
		got, err := edge.Eval(login.Expression, c.req)
		require.NoError(t, err)
		require.Equal(t, c.login, got, "login %s %s", c.req.Host, c.req.Path)
		got, err = edge.Eval(host.Expression, c.req)
		require.NoError(t, err)
		require.Equal(t, c.host, got, "host %s %s", c.req.Host, c.req.Path)
	}
	require.Equal(t, []string{"cf.colo.id", "http.host"}, edge.Characteristics(edge.CountByHost))
	require.Equal(t, []string{"cf.colo.id", "cf.unique_visitor_id"}, edge.Characteristics(edge.CountByIPNAT))
}

func TestEvalRefusesWhatItDoesNotKnow(t *testing.T) {
	for expr, want := range map[string]string{
		`http.cookie contains "x"`:               `expression at 11: unknown field "http.cookie"`,
		`http.request.uri.path eq "/a" xor true`: `expression at 30: unexpected "xor true"`,
		`(http.request.uri.path eq "/a"`:         `expression at 30: missing )`,
		`http.request.uri.path wildcard "/a*"`:   `expression at 22: expected an operator after /web`,
		`cf.bot_management.score lt "x"`:         `expression at 30: lt: number compared with x`,
		`http.request.uri.path matches "("`:      "expression at 33: matches: error parsing regexp: missing closing ): `(`",
	} {
		_, err := edge.Eval(expr, get("/web"))
		require.EqualError(t, err, want, expr)
	}
}
