package edge

import (
	"fmt"
	"sort"
	"strings"
)

// Cloudflare's managed rulesets, by their global identifiers.
const (
	// CloudflareManagedRulesetID is the Cloudflare Managed Ruleset (Pro and up).
	CloudflareManagedRulesetID = "efb7b8c949ac4650a09736fc376e9aee"
	// OWASPCoreRulesetID is the Cloudflare OWASP Core Ruleset (Pro and up).
	OWASPCoreRulesetID = "4814384a9e5d4991b9815dcfc25d2f1f"
	// OWASPAnomalyRuleID is the OWASP ruleset's last rule, "949110: Inbound Anomaly
	// Score Exceeded", the one that acts on the summed score.
	OWASPAnomalyRuleID = "6179ae15870a4bb7b2d480d4843b323c"
	// OWASPScoreThreshold is the anomaly score that blocks: 60 is Cloudflare's
	// "low" sensitivity, chosen because Odoo's JSON bodies score high on stricter
	// levels; tighten per customer with exceptions in hand.
	OWASPScoreThreshold = 60
	// BotScoreThreshold is the bot score under which a sign-in is blocked on
	// Enterprise with Bot Management (1 = automated, 99 = human).
	BotScoreThreshold = 30
)

// MaxExpressionLength is the longest rule expression Cloudflare accepts
// (developers.cloudflare.com, ruleset-engine/rules-language/expressions).
const MaxExpressionLength = 4096

// Rule actions.
const (
	ActionBlock   = "block"
	ActionExecute = "execute"
	// ActionSkip skips the phases in Rule.SkipPhases for the matching request and
	// goes on with the remaining rules.
	ActionSkip = "skip"
)

// PhaseSuperBotFightMode is the phase a skip rule names to spare a request from
// Super Bot Fight Mode (developers.cloudflare.com, waf/custom-rules/skip/options).
const PhaseSuperBotFightMode = "http_request_sbfm"

// Odoo's surfaces the rules name. Every path rule judges the path Odoo's server sees:
// Cloudflare keeps %2F and other reserved characters encoded in http.request.uri.path
// while Odoo's WSGI server decodes them, so the rules decode it first (url_decode,
// recursively) and fold its case (lower).
var (
	// BrowserLoginPaths are the sign-in forms a person uses in a browser: the login
	// form and the second factor.
	BrowserLoginPaths = []string{"/web/login", "/web/login/totp"}
	// AuthPaths are every endpoint that checks a password: the browser forms, the
	// JSON session authentication (web client and JSON clients) and the XML-RPC
	// common service (login and authenticate). JSON-RPC's common service at /jsonrpc
	// is refused with the database manager unless request body fields are available.
	AuthPaths = []string{"/web/login", "/web/login/totp", "/web/session/authenticate", "/xmlrpc/common", "/xmlrpc/2/common"}
	// IntegrationPaths are the endpoints scripted clients use; Super Bot Fight Mode
	// is skipped on them (the WAF, the rate limits and Odoo's authentication still apply).
	IntegrationPaths = []string{"/jsonrpc", "/web/session/authenticate", "/xmlrpc/2/common", "/xmlrpc/2/object", "/xmlrpc/common", "/xmlrpc/object"}
	// MonitorPaths are what uptime monitors fetch: Odoo's health check (/web/health,
	// auth none) and the version probe.
	MonitorPaths = []string{"/web/health", "/web/webclient/version_info"}
	// MonitorBotCategories are the verified-bot categories spared from Super Bot
	// Fight Mode: uptime and analytics monitors, and webhook senders.
	MonitorBotCategories = []string{"Monitoring & Analytics", "Webhooks"}
	// StaticPrefixes are Odoo's static assets and images, kept out of the host-wide
	// rate limit: a page load fetches dozens of them.
	StaticPrefixes = []string{"/web/assets/", "/web/image", "/web/static/", "/website/image", "/website/static/"}
)

// AdminPaths returns Odoo's administrative surfaces a request path reveals in Odoo
// version (for example "17.0"), as path prefixes. The settings page /odoo/settings
// exists from Odoo 17.2 (the /odoo URLs); before that the settings are a URL
// fragment the browser never sends, and every version saves them through
// /web/dataset/call_kw/res.config.settings/… (the model in the path since Odoo 16)
// and applies them through call_button. "" gives the union of every version. The
// database manager is not among them: it is blocked for everyone.
func AdminPaths(version string) []string {
	out := []string{"/web/become", "/web/tests", "/web/dataset/call_kw/res.config.settings", "/web/dataset/call_button/res.config.settings"}
	if version == "" || !versionBefore(version, 17, 2) {
		out = append(out, "/odoo/settings")
	}
	return out
}

// versionBefore reports whether an Odoo version "M.m" (or "saas~M.m") is before major.minor.
func versionBefore(version string, major, minor int) bool {
	v := strings.TrimPrefix(version, "saas~")
	var ma, mi int
	if _, err := fmt.Sscanf(v, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma < major || ma == major && mi < minor
}

// Rule is one WAF rule of a zone phase, as data.
type Rule struct {
	// Ref is the rule's stable reference inside its ruleset.
	Ref string
	// Description is shown in the Cloudflare dashboard and logs.
	Description string
	// Action is block or execute.
	Action string
	// Expression is in the Cloudflare Rules language.
	Expression string
	// Control is the control ID the rule carries.
	Control string
	// SkipPhases are the phases a skip rule skips.
	SkipPhases []string
}

// ManagedRuleset is a managed ruleset executed in the http_request_firewall_managed phase.
type ManagedRuleset struct {
	Rule
	// RulesetID is the managed ruleset executed.
	RulesetID string
	// DisabledCategories are categories turned off inside the ruleset.
	DisabledCategories []string
	// ScoreRuleID, ScoreAction and ScoreThreshold override the anomaly-score rule (OWASP).
	ScoreRuleID    string
	ScoreAction    string
	ScoreThreshold int
}

// RateLimitRule is one rule of the http_ratelimit phase.
type RateLimitRule struct {
	Rule
	RateLimit RateLimit
	// Characteristics are the counting keys Cloudflare tracks the rate by.
	Characteristics []string
}

// ManagedRulesets returns the managed rulesets every zone executes (NET-4): the
// Cloudflare Managed Ruleset and the OWASP Core Ruleset at paranoia level 1,
// blocking from OWASPScoreThreshold. Both need the Pro plan or higher.
func ManagedRulesets() []ManagedRuleset {
	return []ManagedRuleset{
		{
			Rule: Rule{Ref: "cloudflare-managed", Description: "NET-4: Cloudflare Managed Ruleset",
				Action: ActionExecute, Expression: "true", Control: "NET-4"},
			RulesetID: CloudflareManagedRulesetID,
		},
		{
			Rule: Rule{Ref: "owasp-core", Description: "NET-4: Cloudflare OWASP Core Ruleset, paranoia level 1",
				Action: ActionExecute, Expression: "true", Control: "NET-4"},
			RulesetID:          OWASPCoreRulesetID,
			DisabledCategories: []string{"paranoia-level-2", "paranoia-level-3", "paranoia-level-4"},
			ScoreRuleID:        OWASPAnomalyRuleID,
			ScoreAction:        ActionBlock,
			ScoreThreshold:     OWASPScoreThreshold,
		},
	}
}

// DecodedPath is the request path as Odoo's server reads it: decoded (recursively,
// so %252F is caught too) and case-folded. url_decode's source must be a field
// (developers.cloudflare.com, ruleset-engine/rules-language/functions).
const DecodedPath = `lower(url_decode(http.request.uri.path, "r"))`

// SquashedPath is DecodedPath without separators (slash, dot, semicolon, backslash):
// a surface is recognised whatever is put between its segments or after them, so
// double slashes, dot segments, trailing dots and path parameters (";x") cannot
// walk around a rule.
const SquashedPath = `remove_bytes(` + DecodedPath + `, "/.;\\")`

// squash removes what SquashedPath removes from a literal path.
func squash(p string) string {
	return strings.NewReplacer("/", "", ".", "", ";", "", `\`, "").Replace(strings.ToLower(p))
}

// DatabaseManagerExpression matches every request to Odoo's database manager and its
// APIs: /web/database and everything under it, the XML-RPC db service (/xmlrpc/db,
// /xmlrpc/2/db) and JSON-RPC calls to the db service, whatever their encoding, case
// or separators. Without request body fields (an Enterprise add-on) a JSON-RPC call's
// service cannot be seen, so every /jsonrpc call is matched and integrations use
// XML-RPC (/xmlrpc/2/object). With them, /jsonrpc is matched when its body names the
// db service (read as JSON, which decodes escapes, and as text, which sees repeated
// keys), when any object key carries a JSON escape (how "\u0073ervice" hides the
// key) or a service value starts with one, or when it is too large to inspect.
func DatabaseManagerExpression(bodyFields bool) string {
	parts := []string{
		`starts_with(` + SquashedPath + `, "webdatabase")`,
		`starts_with(` + SquashedPath + `, "xmlrpcdb")`,
		`starts_with(` + SquashedPath + `, "xmlrpc2db")`,
	}
	jsonrpc := SquashedPath + ` eq "jsonrpc"`
	if bodyFields {
		jsonrpc = "(" + jsonrpc + ` and (lower(lookup_json_string(http.request.body.raw, "params", "service")) eq "db"` +
			` or http.request.body.raw matches r#""service"\s*:\s*"(db"|\\u)"#` +
			` or http.request.body.raw matches r#""(?:[^"\\]|\\.)*\\(?:[^"\\]|\\.)*"\s*:"#` +
			` or http.request.body.truncated))`
	}
	parts = append(parts, jsonrpc)
	return "(" + strings.Join(parts, " or ") + ")"
}

// AdminPathsExpression matches requests to Odoo's administrative surfaces of version
// (AdminPaths) and debug mode from outside allowList. With request body fields it also
// matches the settings saved through call_kw or call_button without the model in the
// path (Odoo 16's call_button). It is "" when allowList is empty.
func AdminPathsExpression(version string, allowList []string, bodyFields bool) string {
	if len(allowList) == 0 {
		return ""
	}
	var parts []string
	for _, p := range AdminPaths(version) {
		parts = append(parts, `starts_with(`+SquashedPath+`, "`+squash(p)+`")`)
	}
	parts = append(parts, `lower(url_decode(http.request.uri.query, "r")) contains "debug="`)
	if bodyFields {
		parts = append(parts, `((starts_with(`+SquashedPath+`, "webdatasetcall_kw") or starts_with(`+SquashedPath+`, "webdatasetcall_button"))`+
			` and lookup_json_string(http.request.body.raw, "params", "model") eq "res.config.settings")`)
	}
	return "((" + strings.Join(parts, " or ") + ") and not ip.src in {" + strings.Join(allowList, " ") + "})"
}

// BotLoginExpression matches sign-ins in a browser by likely bots (Bot Management for
// Enterprise). Scripted sign-ins (XML-RPC, JSON) are left to the rate limit.
func BotLoginExpression() string {
	return fmt.Sprintf("(%s in %s and cf.bot_management.score lt %d and not cf.bot_management.verified_bot)",
		DecodedPath, stringSet(BrowserLoginPaths), BotScoreThreshold)
}

// IntegrationsSkipExpression matches the scripted clients' endpoints, exactly.
func IntegrationsSkipExpression() string {
	return "(http.request.uri.path in " + stringSet(IntegrationPaths) + ")"
}

// WebhooksSkipExpression matches payment providers' webhooks: Odoo's payment modules
// receive them at /payment/<provider>/webhook (Stripe, Mollie, Razorpay, …), with a
// trailing slash (PayPal) or at /payment/<provider>/notification (Adyen).
func WebhooksSkipExpression() string {
	const p = "http.request.uri.path"
	return `(starts_with(` + p + `, "/payment/") and (ends_with(` + p + `, "/webhook") or ends_with(` + p + `, "/webhook/") or ends_with(` + p + `, "/notification")))`
}

// MonitorsSkipExpression matches uptime monitors: their paths, and verified bots of
// the monitoring and webhook categories.
func MonitorsSkipExpression() string {
	return "(http.request.uri.path in " + stringSet(MonitorPaths) + " or cf.verified_bot_category in " + stringSet(MonitorBotCategories) + ")"
}

// LoginRateLimitExpression matches sign-in attempts to hostnames: every
// authentication endpoint (AuthPaths), and on plans whose rate-limiting rules see the
// request method (Business and Enterprise) only POST, so that loading the login page
// never counts. Pro's rate-limiting rules see host, URI, path and query only
// (developers.cloudflare.com, waf/rate-limiting-rules, Availability), so there every
// request to the paths counts and the default budget is doubled.
//
// With request body fields in rate-limiting rules (Enterprise with Advanced Rate
// Limiting and body inspection), JSON-RPC calls to the common service, which
// /jsonrpc then lets through, count as sign-ins too.
func LoginRateLimitExpression(hostnames []string, methodField, bodyFields bool) string {
	method := ""
	if methodField {
		method = `http.request.method eq "POST" and `
	}
	paths := DecodedPath + " in " + stringSet(AuthPaths)
	if bodyFields {
		paths = "(" + paths + " or (" + DecodedPath + ` eq "/jsonrpc" and lookup_json_string(http.request.body.raw, "params", "service") eq "common"))`
	}
	return fmt.Sprintf("(%shttp.host in %s and %s)", method, stringSet(hostnames), paths)
}

// HostRateLimitExpression matches every request to hostnames but Odoo's static
// assets and images (StaticPrefixes).
func HostRateLimitExpression(hostnames []string) string {
	var static []string
	for _, p := range StaticPrefixes {
		static = append(static, `starts_with(`+DecodedPath+`, "`+p+`")`)
	}
	return fmt.Sprintf("(http.host in %s and not (%s))", stringSet(hostnames), strings.Join(static, " or "))
}

// CustomRules returns the rules of the zone's http_request_firewall_custom phase, in
// evaluation order (NET-4, NET-5): blocks first, then the skip rules that spare
// integrations, webhooks and monitors from Super Bot Fight Mode.
func CustomRules(s Spec) []Rule {
	rules := []Rule{{
		Ref: "odoo-database-manager", Description: "NET-4: the Odoo database manager and its APIs are never reachable from the internet",
		Action: ActionBlock, Expression: DatabaseManagerExpression(s.Entitlements.RequestBodyFields), Control: "NET-4",
	}}
	if e := AdminPathsExpression(s.OdooVersion, s.AllowList, s.Entitlements.RequestBodyFields); e != "" {
		rules = append(rules, Rule{
			Ref: "odoo-admin-allow-list", Description: "NET-5: Odoo administrative paths only from the allow-list",
			Action: ActionBlock, Expression: e, Control: "NET-5",
		})
	}
	switch s.BotMode() {
	case "bot-management":
		rules = append(rules, Rule{
			Ref: "odoo-login-bots", Description: fmt.Sprintf("NET-4: sign-ins with a bot score under %d", BotScoreThreshold),
			Action: ActionBlock, Expression: BotLoginExpression(), Control: "NET-4",
		})
	case "super-bot-fight-mode":
		skip := []string{PhaseSuperBotFightMode}
		rules = append(rules,
			Rule{Ref: "skip-bots-integrations", Description: "NET-4: XML-RPC and JSON integrations are scripts, not bots to challenge",
				Action: ActionSkip, Expression: IntegrationsSkipExpression(), Control: "NET-4", SkipPhases: skip},
			Rule{Ref: "skip-bots-webhooks", Description: "NET-4: payment providers' webhooks",
				Action: ActionSkip, Expression: WebhooksSkipExpression(), Control: "NET-4", SkipPhases: skip},
			Rule{Ref: "skip-bots-monitors", Description: "NET-4: uptime monitors",
				Action: ActionSkip, Expression: MonitorsSkipExpression(), Control: "NET-4", SkipPhases: skip},
		)
	}
	return rules
}

// RateLimitRules returns the rules of the zone's http_ratelimit phase (NET-4): sign-in
// attempts first, then the whole host. s must carry its defaults.
func RateLimitRules(s Spec) []RateLimitRule {
	return []RateLimitRule{
		{
			Rule: Rule{Ref: "odoo-login-rate", Description: "NET-4: sign-in attempts on every authentication endpoint",
				Action: ActionBlock, Expression: LoginRateLimitExpression(s.ZoneHostnames(), s.Plan != PlanPro, s.Entitlements.RequestBodyFields), Control: "NET-4"},
			RateLimit: s.LoginRateLimit, Characteristics: Characteristics(s.LoginRateLimit.By),
		},
		{
			Rule: Rule{Ref: "host-rate", Description: "NET-4: requests to the customer's hostnames, static assets aside",
				Action: ActionBlock, Expression: HostRateLimitExpression(s.ZoneHostnames()), Control: "NET-4"},
			RateLimit: s.HostRateLimit, Characteristics: Characteristics(s.HostRateLimit.By),
		},
	}
}

// Characteristics returns the Cloudflare counting characteristics of a counting key;
// Cloudflare requires cf.colo.id in every set.
func Characteristics(by string) []string {
	switch by {
	case CountByIPNAT:
		return []string{"cf.colo.id", "cf.unique_visitor_id"}
	case CountByHost:
		return []string{"cf.colo.id", "http.host"}
	}
	return []string{"cf.colo.id", "ip.src"}
}

// stringSet renders values as a Rules-language set of strings, sorted.
func stringSet(values []string) string {
	v := append([]string(nil), values...)
	sort.Strings(v)
	quoted := make([]string, len(v))
	for i, s := range v {
		quoted[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
	}
	return "{" + strings.Join(quoted, " ") + "}"
}
