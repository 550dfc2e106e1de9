// Package input reads the resources of a Pulumi program from the JSON of
// `pulumi preview --json`, of `pulumi stack export`, or of the offline plan
// (`odoo-hosting plan`, the preview shape), recognising the format by itself.
package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/octura/odoo-hosting/policies"
)

// Format names a recognised input format.
type Format string

// The formats Read recognises.
const (
	Preview Format = "preview"      // pulumi preview --json, and the offline plan
	Export  Format = "stack-export" // pulumi stack export
)

// MaxSize bounds the input read (256 MiB).
const MaxSize = 256 << 20

type state struct {
	URN            string         `json:"urn"`
	ID             string         `json:"id"`
	Type           string         `json:"type"`
	Custom         *bool          `json:"custom"`
	Parent         string         `json:"parent"`
	Provider       string         `json:"provider"`
	Inputs         map[string]any `json:"inputs"`
	Protect        *bool          `json:"protect"`
	RetainOnDelete *bool          `json:"retainOnDelete"`
	Delete         bool           `json:"delete"`
	// PropertyDependencies: the URNs each top-level input came from.
	PropertyDependencies map[string][]string `json:"propertyDependencies"`
}

type doc struct {
	Steps      *[]step `json:"steps"`
	Deployment *struct {
		Resources []state `json:"resources"`
	} `json:"deployment"`
	Version *int `json:"version"`
	// Config is the stack configuration a preview carries (secrets blinded).
	Config map[string]any `json:"config"`
}

// Document is what a plan document says: its resources (each once, in its new
// state) and, for a preview, the stack configuration it was made with.
type Document struct {
	Resources []policies.Resource
	Format    Format
	// Config is the preview's `config` (keys "<project>:<key>", structured values
	// as JSON text, secrets blinded); nil for other formats.
	Config map[string]string
}

type step struct {
	Op       string `json:"op"`
	URN      string `json:"urn"`
	Provider string `json:"provider"`
	NewState *state `json:"newState"`
	OldState *state `json:"oldState"`
}

// Read parses r and returns its resources in input order.
func Read(r io.Reader) ([]policies.Resource, Format, error) {
	d, err := ReadDocument(r)
	return d.Resources, d.Format, err
}

// ReadDocument parses r and returns its resources and configuration.
func ReadDocument(r io.Reader) (Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return Document{}, fmt.Errorf("reading input: %w", err)
	}
	if len(data) > MaxSize {
		return Document{}, fmt.Errorf("input is larger than %d MiB", MaxSize>>20)
	}
	return ParseDocument(data)
}

// Parse is Read over bytes.
func Parse(data []byte) ([]policies.Resource, Format, error) {
	d, err := ParseDocument(data)
	return d.Resources, d.Format, err
}

// ParseDocument is ReadDocument over bytes.
func ParseDocument(data []byte) (Document, error) {
	rs, f, cfg, err := parse(data)
	if err != nil {
		return Document{}, err
	}
	return Document{Resources: rs, Format: f, Config: cfg}, nil
}

func parse(data []byte) ([]policies.Resource, Format, map[string]string, error) {
	return parseWith(data, true)
}

// parseWith reads with the fast reader first when fast is true.
func parseWith(data []byte, fast bool) ([]policies.Resource, Format, map[string]string, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, "", nil, errors.New("input is empty; want the JSON of `pulumi preview --json`, `pulumi stack export` or the offline plan")
	}
	if trimmed[0] != '{' {
		return nil, "", nil, fmt.Errorf("input does not start with a JSON object (found %q); want the JSON of `pulumi preview --json`, `pulumi stack export` or the offline plan", string(trimmed[:min(len(trimmed), 20)]))
	}
	var d doc
	if fast {
		d, fast = fastDoc(trimmed)
	}
	if !fast {
		var err error
		if d, err = slowDoc(trimmed); err != nil {
			return nil, "", nil, err
		}
	}
	var out []policies.Resource
	var format Format
	switch {
	case d.Steps != nil:
		format = Preview
		// Each resource is judged once, in its new state: the old state of a
		// replacement (delete-replaced) or of a deletion is never judged, and the
		// create-replacement and replace steps of one URN give one resource.
		at := map[string]int{}
		for i, s := range *d.Steps {
			switch s.Op {
			case "delete", "delete-replaced", "discard", "discard-replaced", "read-discard", "remove-pending-replace":
				continue
			}
			st := s.NewState
			if st == nil {
				st = s.OldState // same: unchanged resources may appear with their old state
				if st == nil {
					if s.URN == "" {
						return nil, "", nil, fmt.Errorf("step %d (%s) has neither urn nor newState", i, s.Op)
					}
					continue
				}
			}
			if st.URN == "" {
				st.URN = s.URN
			}
			if st.Provider == "" {
				st.Provider = s.Provider
			}
			res, err := convert(*st, fmt.Sprintf("step %d", i))
			if err != nil {
				return nil, "", nil, err
			}
			if j, seen := at[res.URN]; seen {
				out[j] = res
				continue
			}
			at[res.URN] = len(out)
			out = append(out, res)
		}
	case d.Deployment != nil:
		format = Export
		for i, s := range d.Deployment.Resources {
			if s.Delete {
				continue
			}
			res, err := convert(s, fmt.Sprintf("resource %d", i))
			if err != nil {
				return nil, "", nil, err
			}
			out = append(out, res)
		}
	default:
		return nil, "", nil, errors.New("unrecognised JSON: want \"steps\" (pulumi preview --json, offline plan) or \"deployment.resources\" (pulumi stack export)")
	}
	return out, format, config(d.Config), nil
}

func convert(s state, where string) (policies.Resource, error) {
	if s.URN == "" {
		return policies.Resource{}, fmt.Errorf("%s has no urn", where)
	}
	if s.Type == "" {
		s.Type = typeFromURN(s.URN)
		if s.Type == "" {
			return policies.Resource{}, fmt.Errorf("%s (%s) has no type", where, s.URN)
		}
	}
	custom := true
	if s.Custom != nil {
		custom = *s.Custom
	} else if strings.HasPrefix(s.Type, "pulumi:pulumi:") || strings.Count(s.Type, ":") < 2 {
		custom = false
	}
	return policies.Resource{
		URN: s.URN, ID: s.ID, Type: s.Type, Custom: custom, Parent: s.Parent,
		Provider: ProviderURN(s.Provider), Inputs: normalise(s.Inputs).(map[string]any),
		Protect: s.Protect, RetainOnDelete: s.RetainOnDelete,
		PropertyDependencies: deps(s.PropertyDependencies),
	}, nil
}

// ProviderURN strips the "::<id>" suffix of a provider reference.
func ProviderURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 && strings.Count(ref, "::") > 3 {
		return ref[:i]
	}
	return ref
}

// typeFromURN returns the type of a URN (urn:pulumi:stack::project::parent$type::name).
func typeFromURN(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	t := parts[2]
	if i := strings.LastIndexByte(t, '$'); i >= 0 {
		t = t[i+1:]
	}
	return t
}

// normalise turns json.Number into float64 and secret envelopes into "[secret]".
func normalise(v any) any {
	switch x := v.(type) {
	case nil:
		return map[string]any{}
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		if sig, ok := x["4dabf18193072939515e22adb298388d"]; ok {
			if sig == "1b47061264138c4ac30d75fd1eb44270" {
				return policies.Secret
			}
			if r, ok := x["urn"].(string); ok {
				return r
			}
		}
		for k, e := range x {
			if e == nil {
				continue
			}
			x[k] = normalise(e)
		}
		return x
	case []any:
		for i, e := range x {
			if e != nil {
				x[i] = normalise(e)
			}
		}
		return x
	}
	return v
}

// deps keeps the non-empty dependency lists; nil when there are none.
func deps(in map[string][]string) map[string][]string {
	var out map[string][]string
	for k, urns := range in {
		if len(urns) == 0 {
			continue
		}
		if out == nil {
			out = make(map[string][]string, len(in))
		}
		out[k] = urns
	}
	return out
}

// config turns a preview's configuration into strings (structured values as JSON).
func config(in map[string]any) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		switch x := v.(type) {
		case string:
			out[k] = x
		case json.Number:
			if f, err := x.Float64(); err == nil {
				out[k] = strconv.FormatFloat(f, 'f', -1, 64)
			} else {
				out[k] = x.String()
			}
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			b, _ := json.Marshal(x)
			out[k] = string(b)
		}
	}
	return out
}

// slowDoc reads a plan document with encoding/json, which names what is wrong
// with input the fast reader declines.
func slowDoc(trimmed []byte) (doc, error) {
	var d doc
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return d, fmt.Errorf("malformed JSON at byte %d: %v", se.Offset, err)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return d, fmt.Errorf("truncated JSON: the input ends after %d bytes inside a value", len(trimmed))
		}
		return d, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return d, errors.New("malformed JSON: trailing data after the top-level object")
	}
	return d, nil
}
