package awsruntime

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	concept "github.com/octura/odoo-hosting/components/runtime"
)

// Container names of the task. Setup and init run once per task start and stop
// before the server starts; only the server runs for the task's life.
const (
	ContainerName      = "odoo"
	SetupContainerName = "setup"
	InitContainerName  = "init"
)

// FileStoreVolume is the task volume that holds the Odoo file store; ConfigVolume
// the task-scoped volume the setup container writes Odoo's configuration file to.
const (
	FileStoreVolume = "filestore"
	ConfigVolume    = "odoo-config"
	ConfigDir       = "/run/odoo"
	ConfigPath      = ConfigDir + "/odoo.conf"
)

// ContainerInputs are the values the container definitions need that are known
// only once other resources exist.
type ContainerInputs struct {
	// Image is the image the tasks pull: through the stack's cache, by digest.
	Image        string
	DatabaseHost string
	// AppSecretArn holds the application role's username and password (IAM-6);
	// MasterSecretArn the RDS-managed master user's, read only by setup.
	AppSecretArn    string
	MasterSecretArn string
	// AdminSecretArn holds the hash of Odoo's master password.
	AdminSecretArn string
	// SMTPSecretArn holds the mail relay's password; empty without mail.
	SMTPSecretArn string
	LogGroup      string
	Region        string
}

// setupScript runs as root in the setup container: it makes the application role
// (least privilege: login, owner of the customer's one database, nothing else) with
// the current password of its secret, using the master user that only this
// container ever sees, then writes odoo.conf readable by the odoo user alone.
const setupScript = `import os, psycopg2
from psycopg2 import sql
e = os.environ
app, db = e['APP_USER'], e['ODOO_DB_NAME']
c = psycopg2.connect(host=e['ODOO_DB_HOST'], port=int(e['ODOO_DB_PORT']), dbname=db, user=e['MASTER_USER'], password=e['MASTER_PASSWORD'], sslmode='require')
c.autocommit = True
cur = c.cursor()
cur.execute('SELECT 1 FROM pg_roles WHERE rolname = %s', (app,))
verb = 'ALTER' if cur.fetchone() else 'CREATE'
cur.execute(sql.SQL(verb + ' ROLE {} WITH LOGIN PASSWORD %s').format(sql.Identifier(app)), (e['APP_PASSWORD'],))
cur.execute(sql.SQL('REVOKE ALL ON DATABASE {} FROM PUBLIC').format(sql.Identifier(db)))
cur.execute(sql.SQL('GRANT {} TO CURRENT_USER').format(sql.Identifier(app)))
cur.execute(sql.SQL('ALTER DATABASE {} OWNER TO {}').format(sql.Identifier(db), sql.Identifier(app)))
c.close()
text = e['ODOO_OPTIONS'] + 'db_user = %s\ndb_password = %s\nadmin_passwd = %s\n' % (app, e['APP_PASSWORD'], e['ODOO_ADMIN_PASSWD'])
if e.get('SMTP_PASSWORD'):
    text += 'smtp_password = %s\n' % e['SMTP_PASSWORD']
tmp = e['ODOO_RC'] + '.new'
fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o400)
os.write(fd, text.encode())
os.close(fd)
os.chown(tmp, {{UID}}, {{UID}})
os.rename(tmp, e['ODOO_RC'])
`

// initScript runs as the odoo user in the init container: under a database lock,
// so that two tasks starting together never initialise twice, it installs base
// without demo data and stops when the database is new, then sets Parameters.
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
for k, v in sorted(json.loads(os.environ['ODOO_PARAMETERS']).items()):
    cur.execute("INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date) VALUES (%s, %s, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = EXCLUDED.write_date", (k, v))
`

// InitLock is the PostgreSQL advisory lock key the init containers serialise on.
const InitLock = 0x6f646f6f

// ContainerDefinitions returns the task's container definitions as JSON:
//   - setup (root, exits): the only container with secrets, every one read from
//     Secrets Manager by ECS (IAM-6); writes odoo.conf to the task's own volume;
//   - init (odoo user, exits after setup succeeded): installs base once, sets the
//     system parameters;
//   - odoo (the server, after init succeeded): no secret in its environment or on
//     its command line, the file store mounted, both ports published.
//
// Every container runs the configured image by digest through the stack's cache.
func ContainerDefinitions(s concept.Spec, in ContainerInputs) (string, error) {
	s = s.WithDefaults()
	type kv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	type secret struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	}
	secrets := []secret{
		{Name: "APP_USER", ValueFrom: in.AppSecretArn + ":username::"},
		{Name: "APP_PASSWORD", ValueFrom: in.AppSecretArn + ":password::"},
		{Name: "MASTER_USER", ValueFrom: in.MasterSecretArn + ":username::"},
		{Name: "MASTER_PASSWORD", ValueFrom: in.MasterSecretArn + ":password::"},
		{Name: "ODOO_ADMIN_PASSWD", ValueFrom: in.AdminSecretArn},
	}
	if s.Mail != nil {
		secrets = append(secrets, secret{Name: "SMTP_PASSWORD", ValueFrom: in.SMTPSecretArn})
	}
	params, err := json.Marshal(concept.Parameters(s))
	if err != nil {
		return "", err
	}
	logs := func(prefix string) map[string]any {
		return map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group": in.LogGroup, "awslogs-region": in.Region, "awslogs-stream-prefix": prefix,
			},
		}
	}
	config := func(readOnly bool) map[string]any {
		return map[string]any{"sourceVolume": ConfigVolume, "containerPath": ConfigDir, "readOnly": readOnly}
	}
	filestore := map[string]any{"sourceVolume": FileStoreVolume, "containerPath": concept.FileStorePath, "readOnly": false}
	def := []map[string]any{{
		"name":       SetupContainerName,
		"image":      in.Image,
		"essential":  false,
		"user":       "0",
		"entryPoint": []string{"python3", "-c"},
		"command":    []string{script(setupScript)},
		"environment": []kv{
			{Name: "ODOO_DB_HOST", Value: in.DatabaseHost},
			{Name: "ODOO_DB_PORT", Value: "5432"},
			{Name: "ODOO_DB_NAME", Value: s.DatabaseName},
			{Name: "ODOO_OPTIONS", Value: concept.OptionsText(s, in.DatabaseHost)},
			{Name: "ODOO_RC", Value: ConfigPath},
		},
		// The RDS-managed master secret and ours are JSON with username and password.
		"secrets":          secrets,
		"mountPoints":      []map[string]any{config(false)},
		"logConfiguration": logs(SetupContainerName),
	}, {
		"name":             InitContainerName,
		"image":            in.Image,
		"essential":        false,
		"entryPoint":       []string{"python3", "-c"},
		"command":          []string{script(initScript)},
		"environment":      []kv{{Name: "ODOO_RC", Value: ConfigPath}, {Name: "ODOO_PARAMETERS", Value: string(params)}},
		"dependsOn":        []map[string]string{{"containerName": SetupContainerName, "condition": "SUCCESS"}},
		"mountPoints":      []map[string]any{config(true), filestore},
		"logConfiguration": logs(InitContainerName),
	}, {
		"name":       ContainerName,
		"image":      in.Image,
		"essential":  true,
		"entryPoint": []string{"odoo"},
		"command":    []string{"-c", ConfigPath},
		"portMappings": []map[string]any{
			{"containerPort": concept.AppPort, "protocol": "tcp"},
			{"containerPort": concept.WebsocketPort, "protocol": "tcp"},
		},
		"environment":            []kv{{Name: "ODOO_RC", Value: ConfigPath}},
		"dependsOn":              []map[string]string{{"containerName": InitContainerName, "condition": "SUCCESS"}},
		"mountPoints":            []map[string]any{config(true), filestore},
		"readonlyRootFilesystem": false,
		"linuxParameters":        map[string]any{"initProcessEnabled": true}, // needed by ECS Exec
		"logConfiguration":       logs(ContainerName),
	}}
	b, err := json.Marshal(def)
	return string(b), err
}

// script fills the placeholders of a container script.
func script(text string) string {
	return strings.NewReplacer("{{UID}}", strconv.Itoa(OdooUID), "{{LOCK}}", strconv.Itoa(InitLock)).Replace(text)
}

// regionOfArn returns the region field of an ARN.
func regionOfArn(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[3] == "" {
		return "", fmt.Errorf("no region in ARN %q", arn)
	}
	return parts[3], nil
}

// accountOfArn returns the account field of an ARN.
func accountOfArn(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[4] == "" {
		return "", fmt.Errorf("no account in ARN %q", arn)
	}
	return parts[4], nil
}
