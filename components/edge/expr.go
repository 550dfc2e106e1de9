package edge

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Request is an HTTP request as the Rules-language fields see it, for Eval.
type Request struct {
	Method   string
	Host     string
	Path     string
	Query    string
	ClientIP string
	// Body is the raw request body; BodyTruncated says it exceeds what the plan inspects.
	Body          string
	BodyTruncated bool
	// BotScore is cf.bot_management.score (1-99); VerifiedBot is cf.bot_management.verified_bot.
	BotScore    int
	VerifiedBot bool
}

// Eval evaluates expression, in the subset of the Cloudflare Rules language this
// package writes, against r: and, or, not, parentheses, true, false; eq, ne, lt, le,
// gt, ge, contains, matches, in {…} (strings, numbers, IP addresses and CIDRs); the
// functions lower() and starts_with(); the fields of Request. Anything else is an
// error, never a silent false, so a rule that drifts outside the subset fails the
// tests rather than passing them.
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

// FirstMatch returns the first rule whose expression matches r.
func FirstMatch(rules []Rule, r Request) (Rule, bool, error) {
	for _, rule := range rules {
		ok, err := Eval(rule.Expression, r)
		if err != nil {
			return Rule{}, false, fmt.Errorf("rule %s: %w", rule.Ref, err)
		}
		if ok {
			return rule, true, nil
		}
	}
	return Rule{}, false, nil
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
	if p.keyword("starts_with") {
		args, err := p.args(2)
		if err != nil {
			return false, err
		}
		return strings.HasPrefix(str(args[0]), str(args[1])), nil
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
			return p.in(left)
		}
		right, err := p.value()
		if err != nil {
			return false, err
		}
		return p.compare(op, left, right)
	}
	if b, ok := left.(bool); ok {
		return b, nil
	}
	return false, p.errorf("expected an operator after %v", left)
}

func str(v any) string { s, _ := v.(string); return s }

func (p *parser) compare(op string, left, right any) (bool, error) {
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
			return found, nil
		}
		if p.pos >= len(p.src) {
			return false, p.errorf("missing }")
		}
		if p.src[p.pos] == '"' {
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

func (p *parser) args(n int) ([]any, error) {
	if !p.punct('(') {
		return nil, p.errorf("expected (")
	}
	var out []any
	for i := 0; i < n; i++ {
		if i > 0 && !p.punct(',') {
			return nil, p.errorf("expected ,")
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if !p.punct(')') {
		return nil, p.errorf("expected )")
	}
	return out, nil
}

// value reads a string literal, a number, lower(…) or a field.
func (p *parser) value() (any, error) {
	p.space()
	if p.pos >= len(p.src) {
		return nil, p.errorf("unexpected end")
	}
	if p.src[p.pos] == '"' {
		return p.stringLit()
	}
	if p.keyword("lower") {
		args, err := p.args(1)
		if err != nil {
			return nil, err
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, p.errorf("lower of %v", args[0])
		}
		return strings.ToLower(s), nil
	}
	start := p.pos
	for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
		p.pos++
	}
	word := p.src[start:p.pos]
	if n, err := strconv.Atoi(word); err == nil {
		return n, nil
	}
	r := p.req
	switch word {
	case "http.request.method":
		return r.Method, nil
	case "http.host":
		return r.Host, nil
	case "http.request.uri.path":
		return r.Path, nil
	case "http.request.uri.query":
		return r.Query, nil
	case "http.request.body.raw":
		return r.Body, nil
	case "http.request.body.truncated":
		return r.BodyTruncated, nil
	case "cf.bot_management.score":
		return r.BotScore, nil
	case "cf.bot_management.verified_bot":
		return r.VerifiedBot, nil
	case "ip.src":
		a, err := netip.ParseAddr(r.ClientIP)
		if err != nil {
			return nil, p.errorf("request ClientIP %q: %v", r.ClientIP, err)
		}
		return a, nil
	}
	return nil, p.errorf("unknown field %q", word)
}

// stringLit reads a double-quoted literal; \" and \\ are its only escapes.
func (p *parser) stringLit() (string, error) {
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
