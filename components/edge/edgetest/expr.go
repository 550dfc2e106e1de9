// Package edgetest is test support for package edge: an interpreter of the subset of
// the Cloudflare Rules language the edge writes, so that table tests can show which
// request each WAF rule blocks, skips or lets pass. Production code never imports it.
//
// The semantics follow Cloudflare's reference (developers.cloudflare.com,
// ruleset-engine/rules-language: functions, values, operators; rules/normalization):
//   - http.request.uri.path is the path after Cloudflare URL normalization, which the
//     zone pins to type "cloudflare", scope "incoming": unreserved characters are
//     percent-decoded, other percent-encodings upper-cased, backslashes become slashes,
//     successive slashes merge and dot segments are removed; raw.http.request.uri.path
//     is the path as the client sent it.
//   - lower() converts ASCII letters only; url_decode() decodes %XX and '+' (a space),
//     recursively with option "r", %uXXXX with option "u", and its source must be a
//     field; starts_with()/ends_with() refuse a literal source; remove_bytes() drops
//     every byte of its second argument; lookup_json_string() follows keys (names or
//     array positions) through a JSON document and is missing when anything fails.
//   - A comparison with a missing value is false.
//   - Quoted strings know the escapes \" and \\; raw strings r"…" and r#"…"# none.
//   - matches uses RE2 (Go), which agrees with Rust's regex engine on the syntax used.
//
// Anything else is an error, never a silent false, so a rule that drifts outside the
// subset fails the tests rather than passing them.
package edgetest

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/octura/odoo-hosting/components/edge"
)

// Request is an HTTP request as the Rules-language fields see it.
type Request struct {
	Method string
	Host   string
	// Path is the path as the client sent it (raw.http.request.uri.path); the
	// evaluator derives http.request.uri.path by Cloudflare's URL normalization.
	Path     string
	Query    string
	ClientIP string
	// Body is the raw request body; BodyTruncated says it exceeds what the plan inspects.
	Body          string
	BodyTruncated bool
	// BotScore is cf.bot_management.score (1-99); VerifiedBot is
	// cf.bot_management.verified_bot; BotCategory is cf.verified_bot_category.
	BotScore    int
	VerifiedBot bool
	BotCategory string
}

// Eval evaluates expression against r.
func Eval(expression string, r Request) (bool, error) {
	p := &parser{src: expression, req: r}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	p.space()
	if p.pos != len(p.src) {
		return false, p.errorf("unexpected %q", p.src[p.pos:])
	}
	return v, nil
}

// Verdict is what the custom-rules phase does with a request.
type Verdict struct {
	// Blocked is the ref of the block rule that matched first; "" when none did.
	Blocked string
	// Skipped are the phases skip rules matched before it, in rule order.
	Skipped []string
	// SkippedBy are the refs of those skip rules.
	SkippedBy []string
}

// Evaluate runs rules in order as Cloudflare runs a custom-rules phase: a matching
// block rule ends it; a matching skip rule with phases records them and goes on.
func Evaluate(rules []edge.Rule, r Request) (Verdict, error) {
	var v Verdict
	for _, rule := range rules {
		ok, err := Eval(rule.Expression, r)
		if err != nil {
			return v, fmt.Errorf("rule %s: %w", rule.Ref, err)
		}
		if !ok {
			continue
		}
		switch rule.Action {
		case edge.ActionBlock:
			v.Blocked = rule.Ref
			return v, nil
		case edge.ActionSkip:
			v.Skipped = append(v.Skipped, rule.SkipPhases...)
			v.SkippedBy = append(v.SkippedBy, rule.Ref)
		default:
			return v, fmt.Errorf("rule %s: action %q is not interpreted", rule.Ref, rule.Action)
		}
	}
	return v, nil
}

// FirstMatch returns the first rule whose expression matches r.
func FirstMatch(rules []edge.Rule, r Request) (edge.Rule, bool, error) {
	for _, rule := range rules {
		ok, err := Eval(rule.Expression, r)
		if err != nil {
			return edge.Rule{}, false, fmt.Errorf("rule %s: %w", rule.Ref, err)
		}
		if ok {
			return rule, true, nil
		}
	}
	return edge.Rule{}, false, nil
}

// missing is the value of a lookup that found nothing.
type missing struct{}

// val is an evaluated value and whether it is a literal written in the expression.
type val struct {
	v       any
	literal bool
}

type parser struct {
	src string
	pos int
	req Request
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("expression at %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

// keyword consumes word when it stands alone at the current position.
func (p *parser) keyword(word string) bool {
	p.space()
	end := p.pos + len(word)
	if end > len(p.src) || p.src[p.pos:end] != word {
		return false
	}
	if end < len(p.src) && isIdent(p.src[end]) {
		return false
	}
	p.pos = end
	return true
}

func (p *parser) punct(c byte) bool {
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *parser) or() (bool, error) {
	v, err := p.and()
	if err != nil {
		return false, err
	}
	for p.keyword("or") {
		w, err := p.and()
		if err != nil {
			return false, err
		}
		v = v || w
	}
	return v, nil
}

func (p *parser) and() (bool, error) {
	v, err := p.not()
	if err != nil {
		return false, err
	}
	for p.keyword("and") {
		w, err := p.not()
		if err != nil {
			return false, err
		}
		v = v && w
	}
	return v, nil
}

func (p *parser) not() (bool, error) {
	if p.keyword("not") {
		v, err := p.not()
		return !v, err
	}
	return p.primary()
}

func (p *parser) primary() (bool, error) {
	if p.punct('(') {
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if !p.punct(')') {
			return false, p.errorf("missing )")
		}
		return v, nil
	}
	if p.keyword("true") {
		return true, nil
	}
	if p.keyword("false") {
		return false, nil
	}
	for _, fn := range []string{"starts_with", "ends_with"} {
		if !p.keyword(fn) {
			continue
		}
		args, err := p.args(2, 2)
		if err != nil {
			return false, err
		}
		if args[0].literal {
			return false, p.errorf("%s: the source cannot be a literal", fn)
		}
		src, ok1 := args[0].v.(string)
		sub, ok2 := args[1].v.(string)
		if _, miss := args[0].v.(missing); miss {
			return false, nil
		}
		if !ok1 || !ok2 {
			return false, p.errorf("%s of %v, %v", fn, args[0].v, args[1].v)
		}
		if fn == "starts_with" {
			return strings.HasPrefix(src, sub), nil
		}
		return strings.HasSuffix(src, sub), nil
	}
	left, err := p.value()
	if err != nil {
		return false, err
	}
	p.space()
	for _, op := range []string{"eq", "ne", "lt", "le", "gt", "ge", "contains", "matches", "in"} {
		if !p.keyword(op) {
			continue
		}
		if op == "in" {
			return p.in(left.v)
		}
		right, err := p.value()
		if err != nil {
			return false, err
		}
		return p.compare(op, left.v, right.v)
	}
	if b, ok := left.v.(bool); ok {
		return b, nil
	}
	return false, p.errorf("expected an operator after %v", left.v)
}

func (p *parser) compare(op string, left, right any) (bool, error) {
	if _, miss := left.(missing); miss {
		if op == "matches" {
			if _, err := regexp.Compile(fmt.Sprint(right)); err != nil {
				return false, p.errorf("matches: %v", err)
			}
		}
		return false, nil
	}
	switch l := left.(type) {
	case string:
		r, ok := right.(string)
		if !ok {
			return false, p.errorf("%s: string compared with %v", op, right)
		}
		switch op {
		case "eq":
			return l == r, nil
		case "ne":
			return l != r, nil
		case "contains":
			return strings.Contains(l, r), nil
		case "matches":
			re, err := regexp.Compile(r)
			if err != nil {
				return false, p.errorf("matches: %v", err)
			}
			return re.MatchString(l), nil
		}
	case int:
		r, ok := right.(int)
		if !ok {
			return false, p.errorf("%s: number compared with %v", op, right)
		}
		switch op {
		case "eq":
			return l == r, nil
		case "ne":
			return l != r, nil
		case "lt":
			return l < r, nil
		case "le":
			return l <= r, nil
		case "gt":
			return l > r, nil
		case "ge":
			return l >= r, nil
		}
	}
	return false, p.errorf("operator %s not supported on %v", op, left)
}

// in evaluates "left in {…}"; set items are strings, numbers, addresses or CIDRs.
func (p *parser) in(left any) (bool, error) {
	if !p.punct('{') {
		return false, p.errorf("expected {")
	}
	found := false
	for {
		p.space()
		if p.punct('}') {
			if _, miss := left.(missing); miss {
				return false, nil
			}
			return found, nil
		}
		if p.pos >= len(p.src) {
			return false, p.errorf("missing }")
		}
		if p.src[p.pos] == '"' || p.src[p.pos] == 'r' {
			s, err := p.stringLit()
			if err != nil {
				return false, err
			}
			found = found || left == any(s)
			continue
		}
		start := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != ' ' && p.src[p.pos] != '}' {
			p.pos++
		}
		item := p.src[start:p.pos]
		switch l := left.(type) {
		case netip.Addr:
			pfx, err := netip.ParsePrefix(item)
			if err != nil {
				a, aerr := netip.ParseAddr(item)
				if aerr != nil {
					return false, p.errorf("bad address %q", item)
				}
				pfx = netip.PrefixFrom(a, a.BitLen())
			}
			found = found || pfx.Contains(l)
		case int:
			n, err := strconv.Atoi(item)
			if err != nil {
				return false, p.errorf("bad number %q", item)
			}
			found = found || n == l
		default:
			return false, p.errorf("set item %q against %v", item, left)
		}
	}
}

// args reads between min and max comma-separated values in parentheses.
func (p *parser) args(min, max int) ([]val, error) {
	if !p.punct('(') {
		return nil, p.errorf("expected (")
	}
	var out []val
	for len(out) == 0 || p.punct(',') {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if !p.punct(')') {
		return nil, p.errorf("expected )")
	}
	if len(out) < min || len(out) > max {
		return nil, p.errorf("%d arguments; allowed: %d to %d", len(out), min, max)
	}
	return out, nil
}

// value reads a string literal, a number, a function call or a field.
func (p *parser) value() (val, error) {
	p.space()
	if p.pos >= len(p.src) {
		return val{}, p.errorf("unexpected end")
	}
	if p.src[p.pos] == '"' || strings.HasPrefix(p.src[p.pos:], `r"`) || strings.HasPrefix(p.src[p.pos:], `r#`) {
		s, err := p.stringLit()
		return val{s, true}, err
	}
	for _, fn := range []string{"lower", "url_decode", "remove_bytes", "lookup_json_string"} {
		if p.keyword(fn) {
			return p.call(fn)
		}
	}
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	word := p.src[start:p.pos]
	if n, err := strconv.Atoi(word); err == nil {
		return val{n, true}, nil
	}
	r := p.req
	var v any
	switch word {
	case "http.request.method":
		v = r.Method
	case "http.host":
		v = r.Host
	case "http.request.uri.path":
		v = Normalize(r.Path)
	case "raw.http.request.uri.path":
		v = r.Path
	case "http.request.uri.query":
		v = r.Query
	case "http.request.body.raw":
		v = r.Body
	case "http.request.body.truncated":
		v = r.BodyTruncated
	case "cf.bot_management.score":
		v = r.BotScore
	case "cf.bot_management.verified_bot":
		v = r.VerifiedBot
	case "cf.verified_bot_category":
		v = r.BotCategory
	case "ip.src":
		a, err := netip.ParseAddr(r.ClientIP)
		if err != nil {
			return val{}, p.errorf("request ClientIP %q: %v", r.ClientIP, err)
		}
		v = a
	default:
		return val{}, p.errorf("unknown field %q", word)
	}
	return val{v: v}, nil
}

func (p *parser) call(fn string) (val, error) {
	var args []val
	var err error
	switch fn {
	case "lower":
		args, err = p.args(1, 1)
	case "url_decode":
		args, err = p.args(1, 2)
	case "remove_bytes":
		args, err = p.args(2, 2)
	default:
		args, err = p.args(2, 16)
	}
	if err != nil {
		return val{}, err
	}
	if _, miss := args[0].v.(missing); miss {
		return val{v: missing{}}, nil
	}
	src, ok := args[0].v.(string)
	if !ok {
		return val{}, p.errorf("%s of %v", fn, args[0].v)
	}
	switch fn {
	case "lower":
		return val{v: asciiLower(src)}, nil
	case "url_decode":
		if args[0].literal {
			return val{}, p.errorf("url_decode: the source must be a field")
		}
		opts := ""
		if len(args) == 2 {
			if opts, ok = args[1].v.(string); !ok || strings.Trim(opts, "ru") != "" {
				return val{}, p.errorf("url_decode: options %v; allowed: r, u", args[1].v)
			}
		}
		return val{v: URLDecode(src, opts)}, nil
	case "remove_bytes":
		drop, ok := args[1].v.(string)
		if !ok {
			return val{}, p.errorf("remove_bytes of %v", args[1].v)
		}
		var b strings.Builder
		for i := 0; i < len(src); i++ {
			if strings.IndexByte(drop, src[i]) < 0 {
				b.WriteByte(src[i])
			}
		}
		return val{v: b.String()}, nil
	}
	// lookup_json_string
	var doc any
	if err := json.Unmarshal([]byte(src), &doc); err != nil {
		return val{v: missing{}}, nil
	}
	for _, k := range args[1:] {
		switch key := k.v.(type) {
		case string:
			m, ok := doc.(map[string]any)
			if !ok {
				return val{v: missing{}}, nil
			}
			if doc, ok = m[key]; !ok {
				return val{v: missing{}}, nil
			}
		case int:
			a, ok := doc.([]any)
			if !ok || key < 0 || key >= len(a) {
				return val{v: missing{}}, nil
			}
			doc = a[key]
		default:
			return val{}, p.errorf("lookup_json_string key %v", k.v)
		}
	}
	if s, ok := doc.(string); ok {
		return val{v: s}, nil
	}
	return val{v: missing{}}, nil
}

// stringLit reads a quoted literal (escapes \" and \\) or a raw string r"…"/r#"…"#.
func (p *parser) stringLit() (string, error) {
	if p.src[p.pos] == 'r' {
		p.pos++
		hashes := 0
		for p.pos < len(p.src) && p.src[p.pos] == '#' {
			hashes++
			p.pos++
		}
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return "", p.errorf("bad raw string")
		}
		p.pos++
		end := `"` + strings.Repeat("#", hashes)
		i := strings.Index(p.src[p.pos:], end)
		if i < 0 {
			return "", p.errorf("unterminated raw string")
		}
		s := p.src[p.pos : p.pos+i]
		p.pos += i + len(end)
		return s, nil
	}
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.src) || (p.src[p.pos+1] != '"' && p.src[p.pos+1] != '\\') {
				return "", p.errorf("bad escape")
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf("unterminated string")
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// URLDecode is Cloudflare's url_decode(): %XX and '+' (a space); with option "u" also
// %uXXXX as UTF-8; with option "r" again until nothing changes. A '%' not followed by
// a valid escape stays as it is.
func URLDecode(s, opts string) string {
	for {
		d := decodeOnce(s, strings.Contains(opts, "u"))
		if !strings.Contains(opts, "r") || d == s {
			return d
		}
		s = d
	}
}

func decodeOnce(s string, unicode bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && unicode && i+5 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U'):
			n, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if err != nil {
				b.WriteByte(c)
				continue
			}
			var buf [utf8.UTFMax]byte
			b.Write(buf[:utf8.EncodeRune(buf[:], rune(n))])
			i += 5
		case c == '%' && i+2 < len(s):
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				b.WriteByte(c)
				continue
			}
			b.WriteByte(h<<4 | l)
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Normalize is Cloudflare's URL normalization of type "cloudflare" applied to a
// path: percent-encoded unreserved characters decoded, other percent-encodings in
// upper case, bytes outside the URL alphabet percent-encoded, backslashes turned into
// slashes, successive slashes merged and dot segments removed (RFC 3986, 5.2.4).
func Normalize(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' && i+2 < len(path) {
			h, ok1 := unhex(path[i+1])
			l, ok2 := unhex(path[i+2])
			if ok1 && ok2 {
				d := h<<4 | l
				if unreserved(d) {
					b.WriteByte(d)
				} else {
					b.WriteString("%" + strings.ToUpper(path[i+1:i+3]))
				}
				i += 2
				continue
			}
		}
		switch {
		case c == '\\':
			b.WriteByte('/')
		case c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	for strings.Contains(s, "//") {
		s = strings.ReplaceAll(s, "//", "/")
	}
	return removeDotSegments(s)
}

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// removeDotSegments is RFC 3986 section 5.2.4.
func removeDotSegments(in string) string {
	var out []string
	segs := strings.Split(in, "/")
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	r := strings.Join(out, "/")
	if strings.HasPrefix(in, "/") && !strings.HasPrefix(r, "/") {
		r = "/" + r
	}
	return r
}
