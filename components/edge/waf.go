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

// Rule actions.
const (
	ActionBlock   = "block"
	ActionExecute = "execute"
)

// Odoo's surfaces the rules name.
var (
	// LoginPaths are Odoo's sign-in endpoints: the login form and the JSON session
	// authentication the web client and JSON-RPC clients use.
	LoginPaths = []string{"/web/login", "/web/session/authenticate"}
	// AdminPaths are Odoo's administrative surfaces a request path reveals; with an
	// allow-list they are confined to it. The database manager is not among them
	// because it is blocked for everyone.
	AdminPaths = []string{"/odoo/settings", "/web/become", "/web/tests"}
)

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

const path = "lower(http.request.uri.path)"

// DatabaseManagerExpression matches every request to Odoo's database manager and
// its APIs: /web/database and everything under it, the XML-RPC db service
// (/xmlrpc/db, /xmlrpc/2/db) and JSON-RPC calls to the db service. Without request
// body fields (an Enterprise add-on) a JSON-RPC call's service cannot be seen, so
// every /jsonrpc call is matched and integrations use XML-RPC (/xmlrpc/2/object).
// With them, /jsonrpc is matched when its body names the db service, starts the
// service name with a \u escape (a way to hide "db"), or is too large to inspect.
func DatabaseManagerExpression(bodyFields bool) string {
	parts := []string{
		path + ` eq "/web/database"`,
		`starts_with(` + path + `, "/web/database/")`,
		`starts_with(` + path + `, "/xmlrpc/db")`,
		`starts_with(` + path + `, "/xmlrpc/2/db")`,
	}
	jsonrpc := path + ` in {"/jsonrpc" "/jsonrpc/"}`
	if bodyFields {
		jsonrpc = "(" + jsonrpc + ` and (http.request.body.raw matches "\"service\"\\s*:\\s*\"(db\"|\\\\u)" or http.request.body.truncated))`
	}
	parts = append(parts, jsonrpc)
	return "(" + strings.Join(parts, " or ") + ")"
}

// AdminPathsExpression matches requests to Odoo's administrative surfaces (AdminPaths
// and debug mode) from outside allowList. It is "" when allowList is empty.
func AdminPathsExpression(allowList []string) string {
	if len(allowList) == 0 {
		return ""
	}
	var parts []string
	for _, p := range AdminPaths {
		parts = append(parts, `starts_with(`+path+`, "`+p+`")`)
	}
	parts = append(parts, `lower(http.request.uri.query) contains "debug="`)
	return "((" + strings.Join(parts, " or ") + ") and not ip.src in {" + strings.Join(allowList, " ") + "})"
}

// BotLoginExpression matches sign-ins by likely bots (Bot Management for Enterprise).
func BotLoginExpression() string {
	return fmt.Sprintf("(%s in %s and cf.bot_management.score lt %d and not cf.bot_management.verified_bot)",
		path, stringSet(LoginPaths), BotScoreThreshold)
}

// LoginRateLimitExpression matches sign-in requests to hostnames. It uses only the
// host and path fields, which every paid plan allows in rate-limiting rules.
func LoginRateLimitExpression(hostnames []string) string {
	return fmt.Sprintf("(http.host in %s and http.request.uri.path in %s)", stringSet(hostnames), stringSet(LoginPaths))
}

// HostRateLimitExpression matches every request to hostnames.
func HostRateLimitExpression(hostnames []string) string {
	return fmt.Sprintf("(http.host in %s)", stringSet(hostnames))
}

// CustomRules returns the rules of the zone's http_request_firewall_custom phase, in
// evaluation order (NET-4, NET-5).
func CustomRules(s Spec) []Rule {
	rules := []Rule{{
		Ref: "odoo-database-manager", Description: "NET-4: the Odoo database manager and its APIs are never reachable from the internet",
		Action: ActionBlock, Expression: DatabaseManagerExpression(s.Entitlements.RequestBodyFields), Control: "NET-4",
	}}
	if e := AdminPathsExpression(s.AllowList); e != "" {
		rules = append(rules, Rule{
			Ref: "odoo-admin-allow-list", Description: "NET-5: Odoo administrative paths only from the allow-list",
			Action: ActionBlock, Expression: e, Control: "NET-5",
		})
	}
	if s.BotMode() == "bot-management" {
		rules = append(rules, Rule{
			Ref: "odoo-login-bots", Description: fmt.Sprintf("NET-4: sign-ins with a bot score under %d", BotScoreThreshold),
			Action: ActionBlock, Expression: BotLoginExpression(), Control: "NET-4",
		})
	}
	return rules
}

// RateLimitRules returns the rules of the zone's http_ratelimit phase (NET-4): sign-in
// brute force first, then the whole host. s must carry its defaults.
func RateLimitRules(s Spec) []RateLimitRule {
	return []RateLimitRule{
		{
			Rule: Rule{Ref: "odoo-login-rate", Description: "NET-4: sign-in brute force",
				Action: ActionBlock, Expression: LoginRateLimitExpression(s.Hostnames), Control: "NET-4"},
			RateLimit: s.LoginRateLimit, Characteristics: Characteristics(s.LoginRateLimit.By),
		},
		{
			Rule: Rule{Ref: "host-rate", Description: "NET-4: requests to the customer's hostnames",
				Action: ActionBlock, Expression: HostRateLimitExpression(s.Hostnames), Control: "NET-4"},
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
