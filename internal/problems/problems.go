// Package problems is the one way validation reports what is wrong: the stack
// configuration, every component spec and the stack build return a List, each
// Problem naming the field (a path such as "network.vpnPeers[0].publicIp"), the
// offending value, what is wrong and what is allowed. Standard library only.
package problems

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration or a spec.
type Problem struct {
	Field   string
	Value   string // the offending value, shown quoted; empty when there is none
	Reason  string
	Allowed string
}

// String renders the problem as one line:
//
//	backupRegion "us-east-1" is outside jurisdiction eu; allowed: eu-central-1, eu-north-1
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Field)
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	if p.Reason != "" {
		if !strings.HasPrefix(p.Reason, ":") {
			b.WriteString(" ")
		}
		b.WriteString(p.Reason)
	}
	if p.Allowed != "" {
		b.WriteString("; allowed: ")
		b.WriteString(p.Allowed)
	}
	return b.String()
}

// List is every problem found in one pass. It is an error when not empty.
type List []Problem

// Error renders one problem per line.
func (l List) Error() string {
	lines := make([]string, len(l))
	for i, p := range l {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Err returns nil when the list is empty, else the list: what a Validate returns.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Add adds a problem of field with its value, what is wrong and what is allowed.
func (l *List) Add(field, value, reason, allowed string) {
	*l = append(*l, Problem{Field: field, Value: value, Reason: reason, Allowed: allowed})
}

// Addf is Add with the reason formatted.
func (l *List) Addf(field, value, allowed, format string, args ...any) {
	l.Add(field, value, fmt.Sprintf(format, args...), allowed)
}

// Linef adds a problem written as one line, "<field> <value and reason>; allowed:
// <allowed>": the field is the first word (a trailing colon stays with the reason),
// the allowed values what follows "; allowed: ". The line renders back unchanged.
func (l *List) Linef(format string, args ...any) {
	*l = append(*l, parse(fmt.Sprintf(format, args...)))
}

// AddError adds err: every problem of a List, or one problem per line of any other
// error, read as Linef reads a line.
func (l *List) AddError(err error) {
	var list List
	switch {
	case err == nil:
	case errors.As(err, &list):
		*l = append(*l, list...)
	default:
		for _, line := range strings.Split(err.Error(), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				*l = append(*l, parse(line))
			}
		}
	}
}

// Prefix returns the problems with every field under path: "retentionDays" becomes
// "backup.retentionDays", "[0].name" becomes "peers[0].name".
func (l List) Prefix(path string) List {
	out := make(List, len(l))
	for i, p := range l {
		switch {
		case path == "":
		case p.Field == "":
			p.Field = path
		case strings.HasPrefix(p.Field, "["):
			p.Field = path + p.Field
		default:
			p.Field = path + "." + p.Field
		}
		out[i] = p
	}
	return out
}

func parse(line string) Problem {
	field, rest, _ := strings.Cut(line, " ")
	if f, ok := strings.CutSuffix(field, ":"); ok {
		field, rest = f, ": "+rest
	}
	reason, allowed, _ := strings.Cut(rest, "; allowed: ")
	return Problem{Field: field, Reason: reason, Allowed: allowed}
}
