package edge_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/edge"
	"github.com/octura/odoo-hosting/components/edge/edgetest"
)

const outside, inside = "192.0.2.200", "198.51.100.20"

type wafCase struct {
	name string
	req  edgetest.Request
	want string // the ref of the rule that blocks; "" passes
}

func get(p string) edgetest.Request {
	return edgetest.Request{Method: "GET", Host: "erp.acme.com", Path: p, ClientIP: outside, BotScore: 90}
}

func post(p, body string) edgetest.Request {
	r := get(p)
	r.Method, r.Body = "POST", body
	return r
}

func runWAF(t *testing.T, rules []edge.Rule, cases []wafCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := edgetest.Evaluate(rules, c.req)
			require.NoError(t, err)
			require.Equal(t, c.want, v.Blocked, "%s %s", c.req.Method, c.req.Path)
		})
	}
}

const dbm = "odoo-database-manager"

const (
	objectCall   = `{"jsonrpc":"2.0","method":"call","params":{"service":"object","method":"execute_kw","args":["db","2","secret","res.partner","search",[[]]]}}`
	objectAccent = `{"jsonrpc":"2.0","method":"call","params":{"service":"object","method":"execute_kw","args":["db",2,"x","res.partner","create",[{"name":"Caf\u00e9 \"Le Coin\""}]]}}`
	commonCall   = `{"jsonrpc": "2.0", "method": "call", "params": {"service": "common", "method": "version", "args": []}}`
	dbList       = `{"jsonrpc":"2.0","method":"call","params":{"service":"db","method":"list","args":[]}}`
	dbUpper      = `{"jsonrpc":"2.0","method":"call","params":{"service":"DB","method":"list","args":[]}}`
	dbDrop       = `{"jsonrpc": "2.0", "method": "call", "params": {"service" :  "db", "method": "drop", "args": ["admin", "prod"]}}`
	dbEscaped    = `{"jsonrpc":"2.0","method":"call","params":{"service":"\u0064b","method":"list","args":[]}}`
	keyEscaped   = `{"jsonrpc":"2.0","method":"call","params":{"\u0073ervice":"db","method":"list","args":[]}}`
	keyTwice     = `{"jsonrpc":"2.0","method":"call","params":{"service":"object","\u0073ervice":"db","method":"list","args":[]}}`
)

// databaseManagerCases are blocked or passed by every plan, whatever the JSON-RPC
// body: the manager under every evasion Odoo's server would still route, and the
// ordinary traffic of an Odoo instance.
var databaseManagerCases = []wafCase{
	{"manager", get("/web/database/manager"), dbm},
	{"selector", get("/web/database/selector"), dbm},
	{"list", post("/web/database/list", "{}"), dbm},
	{"backup", post("/web/database/backup", "master_pwd=x&name=prod"), dbm},
	{"drop", post("/web/database/drop", "master_pwd=x&name=prod"), dbm},
	{"bare prefix", get("/web/database"), dbm},
	{"xmlrpc db", post("/xmlrpc/db", "<methodCall/>"), dbm},
	{"xmlrpc 2 db", post("/xmlrpc/2/db", "<methodCall/>"), dbm},
	{"xmlrpc 2 db trailing slash", post("/xmlrpc/2/db/", "<methodCall/>"), dbm},
	{"jsonrpc db list", post("/jsonrpc", dbList), dbm},
	{"jsonrpc db drop spaced", post("/jsonrpc", dbDrop), dbm},
	{"jsonrpc db escaped value", post("/jsonrpc", dbEscaped), dbm},
	{"jsonrpc db escaped key", post("/jsonrpc", keyEscaped), dbm},
	{"jsonrpc db key repeated escaped", post("/jsonrpc", keyTwice), dbm},
	{"jsonrpc db upper case", post("/jsonrpc", dbUpper), dbm},
	// Evasions: encoded slashes (Cloudflare keeps %2F encoded, Odoo decodes it).
	{"encoded slashes", get("/web%2Fdatabase%2Fmanager"), dbm},
	{"encoded slashes lower hex", get("/web%2fdatabase/manager"), dbm},
	{"encoded slash before manager", get("/web/database%2Fmanager"), dbm},
	{"double-encoded slashes", get("/web%252Fdatabase%252Fmanager"), dbm},
	{"encoded backslashes", get("/web%5Cdatabase%5Cmanager"), dbm},
	{"backslashes", get(`/web\database\manager`), dbm},
	{"xmlrpc encoded slashes", post("/xmlrpc%2F2%2Fdb", "<methodCall/>"), dbm},
	{"jsonrpc encoded slash", post("/jsonrpc%2F", dbList), dbm},
	// Case.
	{"case folded", get("/WEB/Database/Manager"), dbm},
	{"encoded letter", get("/web/%44atabase/manager"), dbm},
	{"xmlrpc upper case", post("/XMLRPC/2/DB", "<methodCall/>"), dbm},
	{"jsonrpc upper case", post("/JSONRPC", dbList), dbm},
	{"jsonrpc encoded letter", post("/json%72pc", dbList), dbm},
	// Double slashes.
	{"double slashes", get("//web//database//manager"), dbm},
	{"encoded double slash", get("/web%2F%2Fdatabase/manager"), dbm},
	{"xmlrpc double slashes", post("/xmlrpc//2//db", "<methodCall/>"), dbm},
	// Trailing dots and dot segments.
	{"trailing dot", get("/web/database./manager"), dbm},
	{"trailing dot on web", get("/web./database/manager"), dbm},
	{"trailing dot at end", get("/web/database/manager."), dbm},
	{"dot segment", get("/web/./database/manager"), dbm},
	{"parent segment", get("/web/x/../database/manager"), dbm},
	{"encoded parent segment", get("/x/%2e%2e/web/database/manager"), dbm},
	{"encoded dot segment after decoding", get("/web%2F.%2Fdatabase/manager"), dbm},
	// Path parameters.
	{"path parameter", get("/web/database;jsessionid=1/manager"), dbm},
	// Odoo's router (werkzeug) does not strip path parameters: this path reaches no
	// route (404), so the rule needs not see through it.
	{"path parameter inside the first segment routes nowhere", get("/web;x/database/manager"), ""},
	{"path parameter at end", post("/xmlrpc/2/db;x", "<methodCall/>"), dbm},
	// What separators cannot tell apart is refused too: no Odoo route starts so.
	{"lookalike path", get("/web/databases-are-fun"), dbm},

	// Ordinary traffic passes.
	{"login", get("/web/login"), ""},
	{"login post", post("/web/login", "login=a&password=b"), ""},
	{"web client", get("/web"), ""},
	{"odoo 17.2+ client", get("/odoo/action-sale.action_orders"), ""},
	{"websocket", get("/websocket"), ""},
	{"asset bundle", get("/web/assets/1/web.assets_web.min.js"), ""},
	{"asset bundle css", get("/web/assets/debug/web.assets_web.css"), ""},
	{"image", get("/web/image/res.partner/3/avatar_128"), ""},
	{"module static", get("/web/static/img/logo.png"), ""},
	{"call_kw", post("/web/dataset/call_kw/res.partner/web_search_read", "{}"), ""},
	{"xmlrpc object", post("/xmlrpc/2/object", "<methodCall/>"), ""},
	{"xmlrpc common", post("/xmlrpc/2/common", "<methodCall/>"), ""},
	{"xmlrpc object legacy", post("/xmlrpc/object", "<methodCall/>"), ""},
	{"stripe webhook", post("/payment/stripe/webhook", `{"type":"payment_intent.succeeded"}`), ""},
	{"adyen notification", post("/payment/adyen/notification", `{"live":"true"}`), ""},
	{"paypal webhook", post("/payment/paypal/webhook/", `{"event_type":"CHECKOUT.ORDER.COMPLETED"}`), ""},
	{"health check", get("/web/health"), ""},
	{"mail link", get("/mail/view?model=sale.order&res_id=4"), ""},
	{"website page", get("/blog/database-tips"), ""},
	{"shop product", get("/shop/database-server-1"), ""},
	{"settings without allow-list", get("/odoo/settings"), ""},
}

func TestNET4_DatabaseManagerBlocked(t *testing.T) {
	s := cloudSpec().WithDefaults()
	rules := edge.CustomRules(s)
	require.Equal(t, []string{dbm, "skip-bots-integrations", "skip-bots-webhooks", "skip-bots-monitors"}, refs(rules))
	runWAF(t, rules, append(databaseManagerCases,
		// Without request body fields the service of a JSON-RPC call is invisible:
		// every /jsonrpc call is blocked and integrations use /xmlrpc/2/object.
		wafCase{"jsonrpc object without body fields", post("/jsonrpc", objectCall), dbm},
		wafCase{"jsonrpc trailing slash", post("/jsonrpc/", objectCall), dbm},
	))
	require.Equal(t,
		`(starts_with(remove_bytes(lower(url_decode(http.request.uri.path, "r")), "/.;\\"), "webdatabase") or `+
			`starts_with(remove_bytes(lower(url_decode(http.request.uri.path, "r")), "/.;\\"), "xmlrpcdb") or `+
			`starts_with(remove_bytes(lower(url_decode(http.request.uri.path, "r")), "/.;\\"), "xmlrpc2db") or `+
			`remove_bytes(lower(url_decode(http.request.uri.path, "r")), "/.;\\") eq "jsonrpc")`,
		rules[0].Expression)
}

func TestNET4_DatabaseManagerBlockedWithBodyFields(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	s.AllowList = nil
	truncated := post("/jsonrpc", objectCall)
	truncated.BodyTruncated = true
	runWAF(t, edge.CustomRules(s), append(databaseManagerCases,
		wafCase{"jsonrpc object", post("/jsonrpc", objectCall), ""},
		wafCase{"jsonrpc object with escaped values", post("/jsonrpc", objectAccent), ""},
		wafCase{"jsonrpc common", post("/jsonrpc", commonCall), ""},
		wafCase{"jsonrpc too large to inspect", truncated, dbm},
		wafCase{"jsonrpc not json", post("/jsonrpc", `service=db`), ""},
	))
}

func TestNET5_AdminPathsConfinedToAllowList(t *testing.T) {
	s := enterpriseSpec()
	s.OdooVersion = "18.0"
	s = s.WithDefaults()
	from := func(r edgetest.Request, ip string) edgetest.Request { r.ClientIP = ip; return r }
	query := func(p, q string) edgetest.Request { r := get(p); r.Query = q; return r }
	const admin = "odoo-admin-allow-list"
	settingsBody := `{"jsonrpc":"2.0","method":"call","params":{"model":"res.config.settings","method":"execute","args":[[1]],"kwargs":{}}}`
	runWAF(t, edge.CustomRules(s), []wafCase{
		{"settings from outside", get("/odoo/settings"), admin},
		{"settings case", get("/ODOO/Settings"), admin},
		{"settings encoded slash", get("/odoo%2Fsettings"), admin},
		{"settings double slash", get("/odoo//settings"), admin},
		{"settings trailing dot", get("/odoo/settings."), admin},
		{"settings from inside", from(get("/odoo/settings"), inside), ""},
		{"settings from inside v6", from(get("/odoo/settings"), "2001:db8:100::7"), ""},
		{"settings saved", post("/web/dataset/call_kw/res.config.settings/web_save", "{}"), admin},
		{"settings applied", post("/web/dataset/call_button/res.config.settings/execute", "{}"), admin},
		{"settings applied without the model in the path", post("/web/dataset/call_button", settingsBody), admin},
		{"settings applied from inside", from(post("/web/dataset/call_button", settingsBody), inside), ""},
		{"partner saved", post("/web/dataset/call_kw/res.partner/web_save", "{}"), ""},
		{"become from outside", get("/web/become"), admin},
		{"tests from outside", get("/web/tests"), admin},
		{"debug from outside", query("/web", "debug=assets"), admin},
		{"debug encoded", query("/web", "deb%75g=1"), admin},
		{"debug from inside", from(query("/web", "debug=1"), inside), ""},
		{"login from outside", get("/web/login"), ""},
		{"database manager from inside", from(get("/web/database/manager"), inside), dbm},
	})
	require.Empty(t, edge.AdminPathsExpression("18.0", nil, false))
}

func TestNET5_AdminPathsPerOdooVersion(t *testing.T) {
	base := []string{"/web/become", "/web/tests", "/web/dataset/call_kw/res.config.settings", "/web/dataset/call_button/res.config.settings"}
	require.Equal(t, base, edge.AdminPaths("16.0"))
	require.Equal(t, base, edge.AdminPaths("17.0"), "/odoo/settings exists only from Odoo 17.2")
	require.Equal(t, append(append([]string(nil), base...), "/odoo/settings"), edge.AdminPaths("saas~17.2"))
	require.Equal(t, append(append([]string(nil), base...), "/odoo/settings"), edge.AdminPaths("18.0"))
	require.Equal(t, append(append([]string(nil), base...), "/odoo/settings"), edge.AdminPaths(""))
	s := enterpriseSpec()
	s.OdooVersion = "17.0"
	s.Entitlements.RequestBodyFields = false
	v, err := edgetest.Evaluate(edge.CustomRules(s.WithDefaults()), get("/odoo/settings"))
	require.NoError(t, err)
	require.Equal(t, "", v.Blocked, "Odoo 17.0 has no /odoo/settings route to confine")
}

func TestNET4_BotManagementRuleOnLogin(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	s.AllowList = nil
	bot := func(r edgetest.Request, score int, verified bool) edgetest.Request {
		r.BotScore, r.VerifiedBot = score, verified
		return r
	}
	const bots = "odoo-login-bots"
	runWAF(t, edge.CustomRules(s), []wafCase{
		{"likely bot signs in", bot(post("/web/login", "login=a"), 12, false), bots},
		{"likely bot second factor", bot(post("/web/login/totp", "totp_token=1"), 12, false), bots},
		{"likely bot signs in encoded", bot(post("/web%2Flogin", "login=a"), 12, false), bots},
		{"human signs in", bot(post("/web/login", "login=a"), 30, false), ""},
		{"verified bot", bot(get("/web/login"), 5, true), ""},
		{"script authenticates over XML-RPC", bot(post("/xmlrpc/2/common", "<methodCall/>"), 1, false), ""},
		{"likely bot elsewhere", bot(get("/web"), 5, false), ""},
	})
	require.NotContains(t, refs(edge.CustomRules(cloudSpec().WithDefaults())), bots, "the bot score needs Bot Management for Enterprise")
}

// Super Bot Fight Mode challenges scripts; the skip rules spare integrations,
// payment webhooks and uptime monitors from it, and nothing else.
func TestNET4_BotSkipRulesForIntegrationsWebhooksMonitors(t *testing.T) {
	rules := edge.CustomRules(cloudSpec().WithDefaults())
	monitor := get("/")
	monitor.BotCategory, monitor.VerifiedBot = "Monitoring & Analytics", true
	for _, c := range []struct {
		name string
		req  edgetest.Request
		by   string // the skip rule; "" when Super Bot Fight Mode applies
	}{
		{"xml-rpc object call", post("/xmlrpc/2/object", "<methodCall/>"), "skip-bots-integrations"},
		{"xml-rpc sign-in", post("/xmlrpc/2/common", "<methodCall/>"), "skip-bots-integrations"},
		{"legacy xml-rpc", post("/xmlrpc/object", "<methodCall/>"), "skip-bots-integrations"},
		{"json session authenticate", post("/web/session/authenticate", "{}"), "skip-bots-integrations"},
		{"stripe webhook", post("/payment/stripe/webhook", "{}"), "skip-bots-webhooks"},
		{"mollie webhook", post("/payment/mollie/webhook", "id=tr_1"), "skip-bots-webhooks"},
		{"paypal webhook", post("/payment/paypal/webhook/", "{}"), "skip-bots-webhooks"},
		{"adyen notification", post("/payment/adyen/notification", "{}"), "skip-bots-webhooks"},
		{"health check", get("/web/health"), "skip-bots-monitors"},
		{"version probe", post("/web/webclient/version_info", "{}"), "skip-bots-monitors"},
		{"verified monitor", monitor, "skip-bots-monitors"},
		{"login page", get("/web/login"), ""},
		{"web client", get("/web"), ""},
		{"payment page", get("/payment/pay"), ""},
		{"webhook lookalike outside /payment", post("/shop/webhook", "{}"), ""},
	} {
		v, err := edgetest.Evaluate(rules, c.req)
		require.NoError(t, err, c.name)
		require.Empty(t, v.Blocked, c.name)
		if c.by == "" {
			require.Empty(t, v.SkippedBy, c.name)
			continue
		}
		require.Equal(t, []string{c.by}, v.SkippedBy, c.name)
		require.Equal(t, []string{edge.PhaseSuperBotFightMode}, v.Skipped, c.name)
	}
	v, err := edgetest.Evaluate(rules, post("/web/database/drop", "x"))
	require.NoError(t, err)
	require.Equal(t, dbm, v.Blocked)
	require.Empty(t, v.SkippedBy, "a blocked request is never spared")
	// Bot Management for Enterprise judges by score, so no skip rule is needed.
	require.NotContains(t, refs(edge.CustomRules(enterpriseSpec().WithDefaults())), "skip-bots-integrations")
}

func refs(rules []edge.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Ref)
	}
	return out
}

func TestNET4_RateLimitsCountSignInAttemptsNotPageLoads(t *testing.T) {
	s := cloudSpec()
	s.Hostnames = []string{"erp.acme.com", "acme.com"}
	s = s.WithDefaults()
	rules := edge.RateLimitRules(s)
	require.Len(t, rules, 2)
	login, host := rules[0], rules[1]
	require.Equal(t, `(http.request.method eq "POST" and http.host in {"acme.com" "erp.acme.com"} and `+
		`lower(url_decode(http.request.uri.path, "r")) in {"/web/login" "/web/login/totp" "/web/session/authenticate" "/xmlrpc/2/common" "/xmlrpc/common"})`, login.Expression)
	require.Equal(t, `(http.host in {"acme.com" "erp.acme.com"} and not (`+
		`starts_with(lower(url_decode(http.request.uri.path, "r")), "/web/assets/") or `+
		`starts_with(lower(url_decode(http.request.uri.path, "r")), "/web/image") or `+
		`starts_with(lower(url_decode(http.request.uri.path, "r")), "/web/static/") or `+
		`starts_with(lower(url_decode(http.request.uri.path, "r")), "/website/image") or `+
		`starts_with(lower(url_decode(http.request.uri.path, "r")), "/website/static/")))`, host.Expression)
	require.Equal(t, []string{"cf.colo.id", "cf.unique_visitor_id"}, login.Characteristics, "an office behind one NAT address keeps one count per visitor")
	require.Equal(t, edge.RateLimit{Requests: 10, Period: 60, Timeout: 300, By: edge.CountByIPNAT}, login.RateLimit)
	require.Equal(t, edge.DefaultHostRateLimit, host.RateLimit)

	other := post("/web/login", "login=a")
	other.Host = "shop.example.net"
	for _, c := range []struct {
		req         edgetest.Request
		login, host bool
	}{
		{get("/web/login"), false, true},
		{post("/web/login", "login=a&password=b"), true, true},
		{post("/web/login/totp", "totp_token=123456"), true, true},
		{post("/web/session/authenticate", "{}"), true, true},
		{post("/xmlrpc/2/common", "<methodCall/>"), true, true},
		{post("/xmlrpc/common", "<methodCall/>"), true, true},
		{post("/web%2Flogin", "login=a"), true, true},
		{post("/xmlrpc/2/object", "<methodCall/>"), false, true},
		{get("/web"), false, true},
		{get("/web/assets/1/web.assets_web.min.js"), false, false},
		{get("/web/image/res.partner/3/avatar_128"), false, false},
		{get("/web/static/img/logo.png"), false, false},
		{get("/website/static/src/img/banner.jpg"), false, false},
		{post("/web/dataset/call_kw/x/static/y", "{}"), false, true},
		{other, false, false},
	} {
		got, err := edgetest.Eval(login.Expression, c.req)
		require.NoError(t, err)
		require.Equal(t, c.login, got, "login %s %s %s", c.req.Method, c.req.Host, c.req.Path)
		got, err = edgetest.Eval(host.Expression, c.req)
		require.NoError(t, err)
		require.Equal(t, c.host, got, "host %s %s %s", c.req.Method, c.req.Host, c.req.Path)
	}
	require.Equal(t, []string{"cf.colo.id", "http.host"}, edge.Characteristics(edge.CountByHost))
	require.Equal(t, []string{"cf.colo.id", "ip.src"}, edge.Characteristics(edge.CountByIP))
}

// Pro's rate-limiting rules cannot see the method: every request to an
// authentication endpoint counts, against a doubled budget.
func TestNET4_RateLimitOnProCountsEveryRequestToAuthPaths(t *testing.T) {
	s := cloudSpec()
	s.Plan = edge.PlanPro
	s = s.WithDefaults()
	login := edge.RateLimitRules(s)[0]
	require.Equal(t, edge.RateLimit{Requests: 20, Period: 60, Timeout: 300, By: edge.CountByIP}, login.RateLimit)
	require.NotContains(t, login.Expression, "http.request.method")
	got, err := edgetest.Eval(login.Expression, get("/web/login"))
	require.NoError(t, err)
	require.True(t, got)
}

func TestNET4_RateLimitCoversJSONRPCSignInsWithBodyFields(t *testing.T) {
	s := enterpriseSpec().WithDefaults()
	login := edge.RateLimitRules(s)[0]
	for body, want := range map[string]bool{commonCall: true, objectCall: false} {
		got, err := edgetest.Eval(login.Expression, post("/jsonrpc", body))
		require.NoError(t, err)
		require.Equal(t, want, got, body)
	}
}

// The zone owner's rate limits cover the zone's other stacks' hostnames too.
func TestNET4_ZoneOwnerRulesCoverOtherHostnames(t *testing.T) {
	s := cloudSpec()
	s.OwnsZone, s.OtherHostnames = true, []string{"erp-staging.acme.com"}
	for _, r := range edge.RateLimitRules(s.WithDefaults()) {
		require.Contains(t, r.Expression, `http.host in {"erp-staging.acme.com" "erp.acme.com"}`)
	}
}
