// Command e2echeck holds the assertions of tests/e2e/run.sh over what the real
// engine and the simulators leave behind: the offline plan against
// `pulumi stack export`, and the simulators' call record (package sim's Call lines).
//
//	e2echeck plan-in-export PLAN.json EXPORT.json   every planned resource is deployed, same type and parent
//	e2echeck no-mutation RECORD.jsonl              no create, update or delete reached the simulated cloud
//	e2echeck in-place RECORD.jsonl [TYPE...]       updates only: no create, no delete (no replacement), but
//	                                               the deletion of a resource of a listed TYPE (a job the change turns off)
//	e2echeck destroy EXPORT.json RECORD.jsonl      every retained (data) resource kept, every other custom one deleted
//	e2echeck count EXPORT.json                     prints the number of resources in the export
//	e2echeck protected EXPORT.json TYPE...         prints the URN of the first protected resource of the first TYPE that has one
//
// Each prints what is wrong and exits 1 when an assertion fails.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout)) }

type call struct {
	Method  string `json:"method"`
	Preview bool   `json:"preview"`
	URN     string `json:"urn"`
	Type    string `json:"type"`
	ID      string `json:"id"`
}

func (c call) mutating() bool {
	return (c.Method == "Create" || c.Method == "Update") && !c.Preview || c.Method == "Delete"
}

type exported struct {
	URN            string `json:"urn"`
	Type           string `json:"type"`
	Parent         string `json:"parent"`
	Custom         bool   `json:"custom"`
	RetainOnDelete bool   `json:"retainOnDelete"`
	Protect        bool   `json:"protect"`
}

func run(args []string, w io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(w, "usage: e2echeck plan-in-export|no-mutation|in-place|destroy|count ...")
		return 2
	}
	var problems []string
	var err error
	switch {
	case args[0] == "plan-in-export" && len(args) == 3:
		problems, err = planInExport(args[1], args[2])
	case args[0] == "no-mutation" && len(args) == 2:
		problems, err = noMutation(args[1])
	case args[0] == "in-place" && len(args) >= 2:
		problems, err = inPlace(args[1], args[2:]...)
	case args[0] == "destroy" && len(args) == 3:
		problems, err = destroy(args[1], args[2])
	case args[0] == "count" && len(args) == 2:
		var res []exported
		if res, err = readExport(args[1]); err == nil {
			fmt.Fprintln(w, len(res))
		}
	case args[0] == "protected" && len(args) >= 3:
		var res []exported
		if res, err = readExport(args[1]); err == nil {
			urn := protected(res, args[2:])
			if urn == "" {
				problems = append(problems, fmt.Sprintf("no protected resource of types %q", args[2:]))
			} else {
				fmt.Fprintln(w, urn)
			}
		}
	default:
		fmt.Fprintf(w, "e2echeck: bad arguments %q\n", args)
		return 2
	}
	if err != nil {
		fmt.Fprintln(w, "e2echeck:", err)
		return 2
	}
	sort.Strings(problems)
	for _, p := range problems {
		fmt.Fprintln(w, p)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}

func readExport(path string) ([]exported, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Deployment struct {
			Resources []exported `json:"resources"`
		} `json:"deployment"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Deployment.Resources, nil
}

func readRecord(path string) ([]call, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var out []call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}

func planInExport(planPath, exportPath string) ([]string, error) {
	b, err := os.ReadFile(planPath)
	if err != nil {
		return nil, err
	}
	var plan struct {
		Steps []struct {
			URN      string `json:"urn"`
			NewState struct {
				Type   string `json:"type"`
				Parent string `json:"parent"`
			} `json:"newState"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(b, &plan); err != nil {
		return nil, fmt.Errorf("%s: %w", planPath, err)
	}
	res, err := readExport(exportPath)
	if err != nil {
		return nil, err
	}
	byURN := map[string]exported{}
	for _, r := range res {
		byURN[r.URN] = r
	}
	var problems []string
	for _, s := range plan.Steps {
		r, ok := byURN[s.URN]
		switch {
		case !ok:
			problems = append(problems, "not deployed: "+s.URN)
		case r.Type != s.NewState.Type:
			problems = append(problems, fmt.Sprintf("type %s, planned %s: %s", r.Type, s.NewState.Type, s.URN))
		case r.Parent != s.NewState.Parent:
			problems = append(problems, fmt.Sprintf("parent %s, planned %s: %s", r.Parent, s.NewState.Parent, s.URN))
		}
	}
	if len(plan.Steps) == 0 {
		problems = append(problems, "the plan is empty")
	}
	return problems, nil
}

func noMutation(recordPath string) ([]string, error) {
	calls, err := readRecord(recordPath)
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, c := range calls {
		if c.mutating() {
			problems = append(problems, fmt.Sprintf("%s %s", c.Method, c.URN))
		}
	}
	return problems, nil
}

func inPlace(recordPath string, deletable ...string) ([]string, error) {
	calls, err := readRecord(recordPath)
	if err != nil {
		return nil, err
	}
	var problems []string
	updates := 0
	for _, c := range calls {
		switch {
		case c.Method == "Update" && !c.Preview:
			updates++
		case c.Method == "Delete" && slices.Contains(deletable, c.Type):
		case c.mutating():
			problems = append(problems, fmt.Sprintf("%s %s (want updates only)", c.Method, c.URN))
		}
	}
	if updates == 0 {
		problems = append(problems, "no update reached the simulated cloud")
	}
	return problems, nil
}

func destroy(exportPath, recordPath string) ([]string, error) {
	res, err := readExport(exportPath)
	if err != nil {
		return nil, err
	}
	calls, err := readRecord(recordPath)
	if err != nil {
		return nil, err
	}
	deleted := map[string]bool{}
	for _, c := range calls {
		if c.Method == "Delete" {
			deleted[c.URN] = true
		}
	}
	var problems []string
	kept := 0
	for _, r := range res {
		if !r.Custom || strings.HasPrefix(r.Type, "pulumi:providers:") {
			continue
		}
		switch {
		case r.RetainOnDelete && deleted[r.URN]:
			problems = append(problems, "data resource deleted: "+r.URN)
		case r.RetainOnDelete:
			kept++
		case !deleted[r.URN]:
			problems = append(problems, "not deleted: "+r.URN)
		}
	}
	if kept == 0 {
		problems = append(problems, "the stack had no retained (data) resource")
	}
	return problems, nil
}

// protected is the URN of the first protected resource of the first of types that
// has one (the database, else a bucket), in export order, or "".
func protected(res []exported, types []string) string {
	for _, t := range types {
		for _, r := range res {
			if r.Type == t && r.Protect {
				return r.URN
			}
		}
	}
	return ""
}
