package awsruntime

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"strings"
)

// AdminRounds is the PBKDF2 iteration count of the master password's hash.
const AdminRounds = 600000

// AdminPasswordHash returns password hashed as Odoo stores admin_passwd: the
// passlib pbkdf2_sha512 format "$pbkdf2-sha512$<rounds>$<salt>$<checksum>", salt and
// checksum in passlib's adapted base64 (standard alphabet with "." for "+", no
// padding). Odoo's configuration verifies admin_passwd through a passlib
// CryptContext of pbkdf2_sha512 (odoo/tools/config.py), so the file holds only the hash.
func AdminPasswordHash(password string, salt []byte, rounds int) (string, error) {
	sum, err := pbkdf2.Key(sha512.New, password, salt, rounds, sha512.Size)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("$pbkdf2-sha512$%d$%s$%s", rounds, ab64(salt), ab64(sum)), nil
}

func ab64(b []byte) string {
	return strings.ReplaceAll(base64.RawStdEncoding.EncodeToString(b), "+", ".")
}

// newAdminPasswordHash draws a strong master password (256 bits) and returns only
// its hash: the password itself is never stored, shown or kept in state, since the
// database manager is off and nobody needs it. The secret version that holds the
// hash ignores later changes, so the draw happens once per stack.
func newAdminPasswordHash() (string, error) {
	pw, salt := make([]byte, 32), make([]byte, 16)
	if _, err := rand.Read(pw); err != nil {
		return "", err
	}
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return AdminPasswordHash(base64.RawURLEncoding.EncodeToString(pw), salt, AdminRounds)
}
