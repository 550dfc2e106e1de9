package gcpruntime

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	concept "github.com/octura/odoo-hosting/components/runtime"
)

// OdooUID is the uid and gid of the odoo user in the official image: the
// configuration file and the file store's directory belong to it.
const OdooUID = 101

// Host paths on the Container-Optimized OS instance. /run is a tmpfs, so the
// configuration file with its secrets never reaches the boot disk; /etc is a tmpfs
// that cloud-init fills at every boot (Container-Optimized OS "Disks and file
// system overview").
const (
	ConfigDir     = "/run/odoo"
	ConfigPath    = ConfigDir + "/odoo.conf"
	ScriptDir     = "/etc/odoo"
	OptionsPath   = ScriptDir + "/options.conf"
	SetupPath     = ScriptDir + "/setup.py"
	InitPath      = ScriptDir + "/init.py"
	ParamsPath    = ScriptDir + "/parameters.json"
	UnitName      = "odoo.service"
	FileStoreVol  = "odoo-filestore"
	FileShareName = "odoo"
)

// StartTimeoutSec bounds setup, init and the server's start on one instance.
const StartTimeoutSec = 1800

// setupScript runs as root in a container of the Odoo image, before the server,
// with the host network: it takes an access token of the instance's service account
// from the metadata server, reads the secrets from Secret Manager (only their
// resource names are in its environment), keeps the application role when the
// master secret is given (decision 0014), prepares the file store's directory for
// the odoo user and writes odoo.conf, mode 0400, owned by the odoo user, on a tmpfs.
// A secret is JSON {"username", "password"} or the bare password.
const setupScript = `import base64, json, os, urllib.request, psycopg2
from psycopg2 import sql
e = os.environ
req = urllib.request.Request('http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token', headers={'Metadata-Flavor': 'Google'})
token = json.load(urllib.request.urlopen(req, timeout=10))['access_token']
def secret(name):
    r = urllib.request.Request('https://secretmanager.googleapis.com/v1/%s/versions/latest:access' % name, headers={'Authorization': 'Bearer ' + token})
    return base64.b64decode(json.load(urllib.request.urlopen(r, timeout=10))['payload']['data']).decode()
def account(name, user):
    v = secret(name)
    try:
        d = json.loads(v)
    except ValueError:
        d = None
    if isinstance(d, dict):
        return d.get('username') or user, d['password']
    return user, v
app, app_pw = account(e['APP_SECRET'], e['APP_USER'])
db = e['ODOO_DB_NAME']
if e.get('MASTER_SECRET'):
    mu, mpw = account(e['MASTER_SECRET'], 'postgres')
    c = psycopg2.connect(host=e['ODOO_DB_HOST'], port=5432, dbname=db, user=mu, password=mpw, sslmode='require')
    c.autocommit = True
    cur = c.cursor()
    cur.execute('SELECT 1 FROM pg_roles WHERE rolname = %s', (app,))
    verb = 'ALTER' if cur.fetchone() else 'CREATE'
    cur.execute(sql.SQL(verb + ' ROLE {} WITH LOGIN PASSWORD %s').format(sql.Identifier(app)), (app_pw,))
    cur.execute(sql.SQL('REVOKE ALL ON DATABASE {} FROM PUBLIC').format(sql.Identifier(db)))
    cur.execute(sql.SQL('GRANT {} TO CURRENT_USER').format(sql.Identifier(app)))
    cur.execute(sql.SQL('ALTER DATABASE {} OWNER TO {}').format(sql.Identifier(db), sql.Identifier(app)))
    c.close()
os.chown('{{DATA}}', {{UID}}, {{UID}})
os.chmod('{{DATA}}', 0o750)
text = open(e['ODOO_OPTIONS']).read() + 'db_user = %s\ndb_password = %s\nadmin_passwd = %s\n' % (app, app_pw, secret(e['ADMIN_SECRET']))
if e.get('SMTP_SECRET'):
    text += 'smtp_password = %s\n' % secret(e['SMTP_SECRET'])
tmp = e['ODOO_RC'] + '.new'
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
os.write(fd, text.encode())
os.close(fd)
os.chown(tmp, {{UID}}, {{UID}})
os.rename(tmp, e['ODOO_RC'])
`

// initScript runs as the odoo user after setup: under a database lock, so two
// instances starting together never initialise twice, it installs base without
// demo data when the database is new, then sets Parameters (decision 0013).
const initScript = `import configparser, json, os, subprocess, sys, psycopg2
rc = os.environ['ODOO_RC']
p = configparser.RawConfigParser()
p.read(rc)
o = p['options']
c = psycopg2.connect(host=o['db_host'], port=int(o['db_port']), dbname=o['db_name'], user=o['db_user'], password=o['db_password'], sslmode=o['db_sslmode'])
c.autocommit = True
cur = c.cursor()
cur.execute('SELECT pg_advisory_lock({{LOCK}})')
cur.execute("SELECT to_regclass('ir_module_module') IS NOT NULL")
ready = cur.fetchone()[0]
if ready:
    cur.execute("SELECT 1 FROM ir_module_module WHERE name = 'base' AND state = 'installed'")
    ready = cur.fetchone() is not None
if not ready:
    code = subprocess.call(['odoo', '-c', rc, '-d', o['db_name'], '-i', 'base', '--without-demo=all', '--stop-after-init', '--no-http'])
    if code:
        sys.exit(code)
for k, v in sorted(json.load(open(os.environ['ODOO_PARAMETERS'])).items()):
    cur.execute("INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date) VALUES (%s, %s, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date", (k, v))
`

// InitLock is the PostgreSQL advisory lock key the init steps serialise on (the
// same key as the AWS runtime's).
const InitLock = 0x6f646f6f

func script(text string) string {
	return strings.NewReplacer("{{UID}}", strconv.Itoa(OdooUID), "{{LOCK}}", strconv.Itoa(InitLock),
		"{{DATA}}", concept.FileStorePath).Replace(text)
}

// BootInputs are the values the instance's boot configuration needs that are known
// only once other resources exist. None of them is a secret: secrets are named by
// their Secret Manager resource names and read by setup at each start.
type BootInputs struct {
	// Image is the image the instances pull: through the stack's remote repository,
	// by digest.
	Image string
	// Registry is the Artifact Registry host of Image (<region>-docker.pkg.dev).
	Registry     string
	DatabaseHost string
	// AppSecret, MasterSecret (may be empty), AdminSecret and SMTPSecret (empty
	// without mail) are Secret Manager resource names: projects/<p>/secrets/<s>.
	AppSecret, MasterSecret, AdminSecret, SMTPSecret string
	// AppUser is the application role when the secret holds a bare password.
	AppUser string
	// FileStoreIP is the Filestore instance's address on the VPC.
	FileStoreIP string
}

// CloudConfig returns the cloud-init user-data of the instances: the scripts and
// the non-secret configuration under /etc/odoo, and one systemd unit that mounts
// the file store (a Docker volume on the kernel's NFS client), runs setup (root,
// exits), init (odoo user, exits) and then the server (odoo user) from the same
// image, with the host network so the load balancer reaches 8069 and 8072. No
// secret is in this document, in a container's environment or on a command line.
// Container logs go to Cloud Logging (gcplogs driver).
func CloudConfig(s concept.Spec, in BootInputs) (string, error) {
	s = s.WithDefaults()
	params, err := json.Marshal(concept.Parameters(s))
	if err != nil {
		return "", err
	}
	env := func(kv ...string) string {
		var b strings.Builder
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				b.WriteString(" -e " + kv[i] + "=" + kv[i+1])
			}
		}
		return b.String()
	}
	mounts := " -v " + ScriptDir + ":" + ScriptDir + ":ro -v " + FileStoreVol + ":" + concept.FileStorePath
	run := "/usr/bin/docker run --rm --network host --log-driver gcplogs"
	unit := strings.Join([]string{
		"[Unit]",
		"Description=Odoo " + s.Version + " of " + s.Customer,
		"Wants=network-online.target",
		"After=network-online.target docker.service",
		"Requires=docker.service",
		"",
		"[Service]",
		"Environment=HOME=/var/lib/odoo-host",
		// The first start pulls the image and installs base: longer than systemd's
		// default 90 s for the start steps.
		"TimeoutStartSec=" + strconv.Itoa(StartTimeoutSec),
		"ExecStartPre=/bin/mkdir -p /var/lib/odoo-host " + ConfigDir,
		"ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries " + in.Registry,
		"ExecStartPre=/bin/sh -c '/usr/bin/docker volume inspect " + FileStoreVol + " >/dev/null 2>&1 || /usr/bin/docker volume create --driver local --opt type=nfs --opt o=addr=" + in.FileStoreIP + ",rw,nfsvers=3,hard,timeo=600 --opt device=:/" + FileShareName + " " + FileStoreVol + "'",
		"ExecStartPre=" + run + " --name odoo-setup --user 0 -v " + ConfigDir + ":" + ConfigDir + mounts +
			env("APP_SECRET", in.AppSecret, "APP_USER", in.AppUser, "MASTER_SECRET", in.MasterSecret, "ADMIN_SECRET", in.AdminSecret,
				"SMTP_SECRET", in.SMTPSecret, "ODOO_DB_HOST", in.DatabaseHost, "ODOO_DB_NAME", s.DatabaseName,
				"ODOO_OPTIONS", OptionsPath, "ODOO_RC", ConfigPath) +
			" --entrypoint python3 " + in.Image + " " + SetupPath,
		"ExecStartPre=" + run + " --name odoo-init -v " + ConfigDir + ":" + ConfigDir + ":ro" + mounts +
			env("ODOO_RC", ConfigPath, "ODOO_PARAMETERS", ParamsPath) + " --entrypoint python3 " + in.Image + " " + InitPath,
		"ExecStart=" + run + " --name odoo -v " + ConfigDir + ":" + ConfigDir + ":ro" + mounts +
			env("ODOO_RC", ConfigPath) + " --entrypoint odoo " + in.Image + " -c " + ConfigPath,
		"ExecStop=/usr/bin/docker stop odoo",
		"Restart=always",
		"RestartSec=10",
		"",
	}, "\n")
	type file struct {
		Path        string `json:"path"`
		Permissions string `json:"permissions"`
		Owner       string `json:"owner"`
		Content     string `json:"content"`
	}
	doc := map[string]any{
		"write_files": []file{
			{Path: OptionsPath, Permissions: "0444", Owner: "root", Content: concept.OptionsText(s, in.DatabaseHost)},
			{Path: SetupPath, Permissions: "0444", Owner: "root", Content: script(setupScript)},
			{Path: InitPath, Permissions: "0444", Owner: "root", Content: script(initScript)},
			{Path: ParamsPath, Permissions: "0444", Owner: "root", Content: string(params)},
			{Path: "/etc/systemd/system/" + UnitName, Permissions: "0644", Owner: "root", Content: unit},
		},
		"runcmd": []string{"systemctl daemon-reload", "systemctl start " + UnitName},
	}
	// cloud-config is YAML, and JSON is YAML: the document is rendered as JSON after
	// the "#cloud-config" header line, so no value needs YAML quoting.
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return "", err
	}
	return "#cloud-config\n" + string(b) + "\n", nil
}

// AdminRounds is the PBKDF2 iteration count of the master password's hash.
const AdminRounds = 600000

// AdminPasswordHash returns password hashed as Odoo verifies admin_passwd: passlib's
// pbkdf2_sha512 format, the same as the AWS runtime's (decision 0013).
func AdminPasswordHash(password string, salt []byte, rounds int) (string, error) {
	sum, err := pbkdf2.Key(sha512.New, password, salt, rounds, sha512.Size)
	if err != nil {
		return "", err
	}
	ab64 := func(b []byte) string { return strings.ReplaceAll(base64.RawStdEncoding.EncodeToString(b), "+", ".") }
	return fmt.Sprintf("$pbkdf2-sha512$%d$%s$%s", rounds, ab64(salt), ab64(sum)), nil
}

// newAdminPasswordHash draws a 256-bit master password and returns only its hash;
// the password is never stored: the database manager is off.
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
