package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Call is one line of the record: one gRPC call a simulator answered.
type Call struct {
	Time    time.Time `json:"time"`
	Package string    `json:"package"`           // aws, gcp, cloudflare
	Method  string    `json:"method"`            // Configure, Check, Diff, Create, Read, Update, Delete, Invoke
	Preview bool      `json:"preview,omitempty"` // a Create or Update answered during a preview (nothing stored)
	URN     string    `json:"urn,omitempty"`
	Type    string    `json:"type,omitempty"` // resource type token, or the invoke token
	ID      string    `json:"id,omitempty"`
	// Changed and Replaces are the top-level properties a Diff found changed, and
	// those among them that force a replacement.
	Changed  []string `json:"changed,omitempty"`
	Replaces []string `json:"replaces,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// Mutating reports whether the call changed the simulated cloud.
func (c Call) Mutating() bool {
	switch c.Method {
	case "Create", "Update":
		return !c.Preview
	case "Delete":
		return true
	}
	return false
}

// appendCall adds one JSON line to the record at path, under an exclusive flock so
// that the several plugin processes of one deployment (one per provider instance)
// never interleave their lines.
func appendCall(path string, c Call) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close() // releases the lock
	if werr != nil {
		return werr
	}
	return cerr
}

// ReadRecord reads a record file; a missing file is an empty record.
func ReadRecord(path string) ([]Call, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var out []Call
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var c Call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}
