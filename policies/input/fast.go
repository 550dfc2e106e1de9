package input

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The fast reader: a plan of 10,000 resources is read in a few tens of
// milliseconds by a small JSON parser that builds the generic values directly,
// where encoding/json's reflection reads about 27 MB/s. Anything it does not
// accept (malformed JSON, a field of an unexpected type) goes to the encoding/json
// reader, which says what is wrong.

// fastDoc reads data as a plan document; false when the fast reader declines.
func fastDoc(data []byte) (doc, bool) {
	p := parser{b: data}
	v, ok := p.value()
	if !ok {
		return doc{}, false
	}
	p.space()
	if p.i != len(p.b) {
		return doc{}, false
	}
	top, ok := v.(map[string]any)
	if !ok {
		return doc{}, false
	}
	var d doc
	if raw, found := top["steps"]; found && raw != nil {
		list, ok := raw.([]any)
		if !ok {
			return doc{}, false
		}
		steps := make([]step, 0, len(list))
		for _, e := range list {
			m, ok := e.(map[string]any)
			if !ok {
				return doc{}, false
			}
			var s step
			if s.Op, ok = optString(m["op"]); !ok {
				return doc{}, false
			}
			if s.URN, ok = optString(m["urn"]); !ok {
				return doc{}, false
			}
			if s.Provider, ok = optString(m["provider"]); !ok {
				return doc{}, false
			}
			if s.NewState, ok = optState(m["newState"]); !ok {
				return doc{}, false
			}
			if s.OldState, ok = optState(m["oldState"]); !ok {
				return doc{}, false
			}
			steps = append(steps, s)
		}
		d.Steps = &steps
	}
	if raw, found := top["deployment"]; found && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return doc{}, false
		}
		d.Deployment = &struct {
			Resources []state `json:"resources"`
		}{}
		if rs, found := m["resources"]; found && rs != nil {
			list, ok := rs.([]any)
			if !ok {
				return doc{}, false
			}
			for _, e := range list {
				s, ok := optState(e)
				if !ok || s == nil {
					return doc{}, false
				}
				d.Deployment.Resources = append(d.Deployment.Resources, *s)
			}
		}
	}
	if raw, found := top["config"]; found && raw != nil {
		m, ok := raw.(map[string]any)
		if !ok {
			return doc{}, false
		}
		d.Config = m
	}
	return d, true
}

func optString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}

func optBool(v any) (*bool, bool) {
	if v == nil {
		return nil, true
	}
	b, ok := v.(bool)
	return &b, ok
}

func optState(v any) (*state, bool) {
	if v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	var s state
	for k, p := range map[string]*string{"urn": &s.URN, "id": &s.ID, "type": &s.Type, "parent": &s.Parent, "provider": &s.Provider} {
		if *p, ok = optString(m[k]); !ok {
			return nil, false
		}
	}
	if s.Custom, ok = optBool(m["custom"]); !ok {
		return nil, false
	}
	if s.Protect, ok = optBool(m["protect"]); !ok {
		return nil, false
	}
	if s.RetainOnDelete, ok = optBool(m["retainOnDelete"]); !ok {
		return nil, false
	}
	del, ok := optBool(m["delete"])
	if !ok {
		return nil, false
	}
	s.Delete = del != nil && *del
	if in := m["inputs"]; in != nil {
		if s.Inputs, ok = in.(map[string]any); !ok {
			return nil, false
		}
	}
	if pd := m["propertyDependencies"]; pd != nil {
		pm, ok := pd.(map[string]any)
		if !ok {
			return nil, false
		}
		s.PropertyDependencies = make(map[string][]string, len(pm))
		for k, l := range pm {
			if l == nil {
				continue
			}
			urns, ok := l.([]any)
			if !ok {
				return nil, false
			}
			out := make([]string, 0, len(urns))
			for _, u := range urns {
				us, ok := u.(string)
				if !ok {
					return nil, false
				}
				out = append(out, us)
			}
			s.PropertyDependencies[k] = out
		}
	}
	return &s, true
}

// parser is a JSON parser into the values encoding/json gives an `any`
// (map[string]any, []any, string, float64, bool, nil). Numbers outside float64
// are declined.
type parser struct {
	b []byte
	i int
	// keys interns object keys: a plan repeats the same few hundred.
	keys map[string]string
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (any, bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.lit("true")
	case c == 'f':
		return false, p.lit("false")
	case c == 'n':
		return nil, p.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, false
}

func (p *parser) lit(s string) bool {
	if len(p.b)-p.i < len(s) || string(p.b[p.i:p.i+len(s)]) != s {
		return false
	}
	p.i += len(s)
	return true
}

func (p *parser) object() (any, bool) {
	p.i++ // {
	m := make(map[string]any, 8)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		k, ok := p.key()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		m[k] = v
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *parser) array() (any, bool) {
	p.i++ // [
	l := make([]any, 0, 4)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return l, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		l = append(l, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return l, true
		default:
			return nil, false
		}
	}
}

// key reads an object key, interned when it has no escapes.
func (p *parser) key() (string, bool) {
	start := p.i
	for j := p.i + 1; j < len(p.b) && j-start < 64; j++ {
		c := p.b[j]
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		if c == '"' {
			if k, ok := p.keys[string(p.b[start+1:j])]; ok {
				p.i = j + 1
				return k, true
			}
			break
		}
	}
	k, ok := p.str()
	if ok && len(k) < 64 {
		if p.keys == nil {
			p.keys = map[string]string{}
		}
		p.keys[k] = k
	}
	return k, ok
}

// str reads a string; one with escapes or non-ASCII bytes is decoded by
// encoding/json, so that every escape and invalid byte is handled as it does.
func (p *parser) str() (string, bool) {
	start := p.i
	p.i++ // "
	simple := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if simple {
				return string(p.b[start+1 : p.i-1]), true
			}
			var s string
			if json.Unmarshal(p.b[start:p.i], &s) != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			simple = false
			p.i += 2
			continue
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			simple = false
		}
		p.i++
	}
	return "", false
}

func (p *parser) number() (any, bool) {
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	text := p.b[start:p.i]
	if !json.Valid(text) {
		return nil, false
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return nil, false
	}
	return f, true
}
