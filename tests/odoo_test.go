package tests

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/octura/odoo-hosting/components/runtime"
	"github.com/octura/odoo-hosting/internal/config"
	"github.com/octura/odoo-hosting/internal/jurisdiction"
	"github.com/octura/odoo-hosting/internal/plan"
	"github.com/octura/odoo-hosting/stacks"
	"github.com/octura/odoo-hosting/stacks/offline"
)

// Checks over every example's plan that keep Odoo working and safe on AWS (issue
// 10, findings 5 to 11 and the runtime parts of 16): each reads the plan the way a
// reviewer would, so a future component cannot bring a finding back.

// appPlan is an example that runs Odoo, with its plan.
type appPlan struct {
	name string
	bp   *stacks.Blueprint
	p    *plan.Plan
}

// appPlans plans every example that runs Odoo, and generated variants of each: on
// Odoo 16.0 with a digest-only image, and sending mail through a named SMTP server
// (or, where the example has a relay, sending none).
func appPlans(t *testing.T) []appPlan {
	t.Helper()
	appPlansOnce.Do(func() { appPlansCache = makeAppPlans(t) })
	require.NotEmpty(t, appPlansCache, "planning the examples failed in an earlier test")
	return appPlansCache
}

var (
	appPlansOnce  sync.Once
	appPlansCache []appPlan
)

func makeAppPlans(t *testing.T) []appPlan {
	t.Helper()
	var out []appPlan
	add := func(name string, cfg *config.Config) {
		cfg.ApplyDefaults()
		bp, err := stacks.Build(cfg, planNow)
		require.NoError(t, err, name)
		p, err := offline.Plan(bp)
		require.NoError(t, err, name)
		out = append(out, appPlan{name: name, bp: bp, p: p})
	}
	for _, ex := range examples(t) {
		load := func() *config.Config {
			cfg, err := config.Load(ex.path)
			require.NoError(t, err)
			return cfg
		}
		// These checks read the ECS task definition: the AWS runtime's. The GCP
		// runtime's Odoo settings are judged by gcpruntime's own tests.
		if cfg := load(); !cfg.Tier.RunsApplication() || cfg.Cloud != jurisdiction.AWS {
			continue
		}
		add(ex.name, load())
		v16 := load()
		v16.Odoo.Version = "16.0"
		v16.Odoo.Image = v16.Odoo.Image[:strings.LastIndex(v16.Odoo.Image[:strings.Index(v16.Odoo.Image, "@")], ":")] + v16.Odoo.Image[strings.Index(v16.Odoo.Image, "@"):]
		add(ex.name+"/odoo-16", v16)
		mail := load()
		if mail.Odoo.Mail == nil {
			mail.Odoo.Mail = &config.Mail{Relay: config.RelaySMTP, Host: "smtp." + mail.Cloudflare.Zone, Port: 2587, User: "odoo", From: "erp@" + mail.Cloudflare.Zone}
			mail.Secrets[config.SecretSMTPPassword] = true
			add(ex.name+"/smtp", mail)
		} else {
			mail.Odoo.Mail = nil
			delete(mail.Secrets, config.SecretSMTPPassword)
			add(ex.name+"/no-mail", mail)
		}
	}
	require.GreaterOrEqual(t, len(out), 15, "every cloud and enterprise example and its variants")
	return out
}

type containerDef struct {
	Name        string              `json:"name"`
	Image       string              `json:"image"`
	User        string              `json:"user"`
	Essential   bool                `json:"essential"`
	EntryPoint  []string            `json:"entryPoint"`
	Command     []string            `json:"command"`
	Environment []map[string]string `json:"environment"`
	Secrets     []map[string]string `json:"secrets"`
	DependsOn   []map[string]string `json:"dependsOn"`
	Ports       []map[string]any    `json:"portMappings"`
}

func (c containerDef) env(name string) (string, bool) {
	for _, e := range c.Environment {
		if e["name"] == name {
			return e["value"], true
		}
	}
	return "", false
}

func taskContainers(t *testing.T, p *plan.Plan) map[string]containerDef {
	t.Helper()
	tds := p.ByType("aws:ecs/taskDefinition:TaskDefinition")
	require.Len(t, tds, 1)
	var defs []containerDef
	require.NoError(t, json.Unmarshal([]byte(tds[0].Inputs["containerDefinitions"].(string)), &defs))
	out := map[string]containerDef{}
	for _, d := range defs {
		out[d.Name] = d
	}
	return out
}

// options parses the non-secret odoo.conf the setup container writes.
func options(t *testing.T, c containerDef) map[string]string {
	t.Helper()
	text, ok := c.env("ODOO_OPTIONS")
	require.True(t, ok, "the setup container carries Odoo's options")
	require.True(t, strings.HasPrefix(text, "[options]\n"))
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n")[1:] {
		k, v, ok := strings.Cut(line, " = ")
		require.True(t, ok, line)
		out[k] = v
	}
	return out
}

// TestOdooConfiguredForOneDatabaseBehindTheProxy (findings 6, 7, 8, 9): every
// Odoo serves one database with the database manager off, trusts the proxy headers,
// runs workers sized to its task with limits and one cron thread, and sets its
// https base URL and local report URL.
func TestOdooConfiguredForOneDatabaseBehindTheProxy(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			cs := taskContainers(t, ap.p)
			o := options(t, cs["setup"])
			require.Equal(t, "False", o["list_db"], "the database manager is off in Odoo itself")
			require.Equal(t, "True", o["proxy_mode"])
			require.Equal(t, "^"+o["db_name"]+"$", o["dbfilter"], "one database")
			require.Equal(t, "all", o["without_demo"])
			require.Equal(t, "1", o["max_cron_threads"])
			require.Equal(t, strconv.Itoa(runtime.WebsocketPort), o["gevent_port"])
			workers, _ := strconv.Atoi(o["workers"])
			require.GreaterOrEqual(t, workers, 2, "multi-process mode")
			td := ap.p.ByType("aws:ecs/taskDefinition:TaskDefinition")[0]
			cpu, _ := strconv.Atoi(td.Inputs["cpu"].(string))
			mem, _ := strconv.Atoi(td.Inputs["memory"].(string))
			require.LessOrEqual(t, workers, 2*cpu/1024+1, "no more workers than the CPU carries")
			hard, _ := strconv.Atoi(o["limit_memory_hard"])
			soft, _ := strconv.Atoi(o["limit_memory_soft"])
			require.Positive(t, soft)
			require.Less(t, soft, hard)
			require.LessOrEqual(t, (workers+1)*hard, mem<<20, "the processes' hard limits fit the task's memory")
			for _, k := range []string{"limit_time_cpu", "limit_time_real"} {
				v, _ := strconv.Atoi(o[k])
				require.Positive(t, v, k)
			}
			var params map[string]string
			raw, _ := cs["init"].env("ODOO_PARAMETERS")
			require.NoError(t, json.Unmarshal([]byte(raw), &params))
			require.Equal(t, "https://"+ap.bp.Config.Domain, params["web.base.url"])
			require.Equal(t, "True", params["web.base.url.freeze"])
			require.Equal(t, "http://127.0.0.1:8069", params["report.url"])
			// Initialisation stops before the server starts.
			require.Equal(t, []map[string]string{{"containerName": "setup", "condition": "SUCCESS"}}, cs["init"].DependsOn)
			require.Equal(t, []map[string]string{{"containerName": "init", "condition": "SUCCESS"}}, cs["odoo"].DependsOn)
			require.False(t, cs["setup"].Essential)
			require.False(t, cs["init"].Essential)
			require.Contains(t, strings.Join(cs["init"].Command, " "), "'-i', 'base', '--without-demo=all', '--stop-after-init'")
			// X-Forwarded-Host comes from the zone owner's edge (the request transform
			// phase has one entry point per zone), for exactly the zone's hostnames.
			rs, ok := ap.p.Get("cloudflare:index/ruleset:Ruleset", ap.bp.Config.Name()+"-edge-forwarded-host")
			if !ap.bp.Edge.OwnsZone {
				require.False(t, ok, "only the zone's owner manages its request transform ruleset")
			} else {
				require.True(t, ok, "the edge sets X-Forwarded-Host")
				require.Equal(t, "http_request_late_transform", rs.Inputs["phase"])
				rule := rs.Inputs["rules"].([]any)[0].(map[string]any)
				var quoted []string
				for _, h := range ap.bp.Edge.ZoneHostnames() {
					quoted = append(quoted, fmt.Sprintf("%q", h))
				}
				require.Contains(t, quoted, fmt.Sprintf("%q", ap.bp.Config.Domain))
				require.Equal(t, "(http.host in {"+strings.Join(quoted, " ")+"})", rule["expression"])
				require.Equal(t, []any{map[string]any{"name": "X-Forwarded-Host", "operation": "set", "expression": "http.host"}},
					rule["actionParameters"].(map[string]any)["headers"])
			}
			alb := ap.p.ByType("aws:lb/loadBalancer:LoadBalancer")[0]
			require.Equal(t, "preserve", alb.Inputs["xffHeaderProcessingMode"], "the visitor's address reaches Odoo")
		})
	}
}

var secretName = regexp.MustCompile(`(?i)pass|secret|token|key`)

// TestNoSecretOnACommandLineOrInTheServersEnvironment (findings 5, 8, 10): only
// the setup container, which exits before Odoo starts, receives secrets, and only
// from Secrets Manager; no environment variable or command carries one; the
// server's environment names its configuration file and nothing else.
func TestNoSecretOnACommandLineOrInTheServersEnvironment(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			cs := taskContainers(t, ap.p)
			for name, c := range cs {
				for _, e := range c.Environment {
					require.NotRegexp(t, secretName, e["name"], "%s: environment %s", name, e["name"])
					for _, k := range []string{"db_password", "admin_passwd", "smtp_password", plan.Secret} {
						require.NotContains(t, e["value"], k, "%s: environment %s", name, e["name"])
					}
				}
				cmd := strings.Join(append(append([]string{}, c.EntryPoint...), c.Command...), " ")
				require.NotContains(t, cmd, plan.Secret, name)
				require.NotRegexp(t, `(?i)(password|passwd)\s*=\s*('[^'%]|"[^"%]|[A-Za-z0-9+/]{8,})`, cmd, "%s: a literal password on the command line", name)
				if name != "setup" {
					require.Empty(t, c.Secrets, "%s receives no secret", name)
				}
				for _, s := range c.Secrets {
					require.Regexp(t, `:secretsmanager:|^:`, s["valueFrom"], "%s: %s from Secrets Manager", name, s["name"])
				}
			}
			require.Equal(t, []map[string]string{{"name": "ODOO_RC", "value": "/run/odoo/odoo.conf"}}, cs["odoo"].Environment)
			require.Equal(t, "0", cs["setup"].User, "setup writes the file as root, for the odoo user alone")
			require.Empty(t, cs["odoo"].User, "the server runs as the image's odoo user")
			for _, sv := range ap.p.ByType("aws:secretsmanager/secretVersion:SecretVersion") {
				require.Equal(t, plan.Secret, sv.Inputs["secretString"], "%s is kept secret in state", sv.URN)
			}
			for _, s := range ap.p.ByType("aws:secretsmanager/secret:Secret") {
				require.NotEmpty(t, s.Inputs["kmsKeyId"], "%s is encrypted with our key", s.URN)
			}
		})
	}
}

// TestIAM6_OdooNeverRunsAsTheMasterUser (finding 5): the database's master user is
// not the role Odoo connects as; that role's credentials come from a secret of ours,
// and a new password redeploys the service.
func TestIAM6_OdooNeverRunsAsTheMasterUser(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			db := ap.p.ByType("aws:rds/instance:Instance")[0]
			require.True(t, strings.HasPrefix(db.Inputs["username"].(string), "admin_"), "the master user")
			require.Equal(t, true, db.Inputs["manageMasterUserPassword"])
			cs := taskContainers(t, ap.p)
			from := map[string]string{}
			for _, s := range cs["setup"].Secrets {
				from[s["name"]] = s["valueFrom"]
			}
			app, ok := ap.p.Get("aws:secretsmanager/secret:Secret", ap.bp.Config.Name()+"-db-app")
			require.True(t, ok)
			require.Regexp(t, `:secret/`+regexp.QuoteMeta(ap.bp.Config.Name())+`-db-app-[0-9a-f]{8}:password::$`, from["APP_PASSWORD"])
			require.NotEqual(t, strings.TrimSuffix(from["APP_PASSWORD"], ":password::"), strings.TrimSuffix(from["MASTER_PASSWORD"], ":password::"))
			require.NotEmpty(t, app.Inputs["kmsKeyId"])
			svc := ap.p.ByType("aws:ecs/service:Service")[0]
			require.Contains(t, svc.Inputs["triggers"], "databaseSecretVersion", "a rotated password rolls the service")
			require.Equal(t, true, svc.Inputs["forceNewDeployment"])
		})
	}
}

var digestRef = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com/([a-z0-9-]+)/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$`)

// TestOPS2_ImageByDigestThroughAScannedCacheInTheStacksRegion (OPS-2, finding 11): every
// container runs an image by digest from the stack's own registry in its primary
// region, under a pull-through cache rule's prefix that enhanced scanning covers;
// the load balancer waits longer than Cloudflare.
func TestOPS2_ImageByDigestThroughAScannedCacheInTheStacksRegion(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			cfg := ap.bp.Config
			cache := ap.p.ByType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
			require.Len(t, cache, 1)
			prefix := cache[0].Inputs["ecrRepositoryPrefix"].(string)
			require.Equal(t, strings.SplitN(cfg.Odoo.Image, "/", 2)[0], cache[0].Inputs["upstreamRegistryUrl"])
			prov, ok := ap.p.ProviderOf(cache[0])
			require.True(t, ok)
			require.Equal(t, cfg.Region, prov.Inputs["region"], "the cache is in the stack's region")
			for name, c := range taskContainers(t, ap.p) {
				m := digestRef.FindStringSubmatch(c.Image)
				require.NotNil(t, m, "%s: %s is not by digest from the stack's registry", name, c.Image)
				require.Equal(t, cfg.Region, m[2], name)
				require.Equal(t, prefix, m[3], name)
				require.True(t, strings.HasSuffix(cfg.Odoo.Image, c.Image[strings.LastIndex(c.Image, "@"):]), "%s runs the configured digest", name)
			}
			scan := ap.p.ByType("aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration")
			require.Len(t, scan, 1)
			require.Equal(t, "ENHANCED", scan[0].Inputs["scanType"])
			covered := false
			for _, r := range scan[0].Inputs["rules"].([]any) {
				rule := r.(map[string]any)
				for _, f := range rule["repositoryFilters"].([]any) {
					if f.(map[string]any)["filter"] == prefix+"/*" && rule["scanFrequency"] == "CONTINUOUS_SCAN" {
						covered = true
					}
				}
			}
			require.True(t, covered, "the cached repositories are scanned continuously")
			alb := ap.p.ByType("aws:lb/loadBalancer:LoadBalancer")[0]
			require.GreaterOrEqual(t, alb.Inputs["idleTimeout"].(float64), float64(runtime.EdgeTimeoutSeconds))
		})
	}
}

// TestWebsocketRoutedToItsOwnTargetGroup (finding 9): /websocket goes to the
// evented worker's port through its own target group, ahead of the catch-all rule.
func TestWebsocketRoutedToItsOwnTargetGroup(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			name := ap.bp.Config.Name() + "-odoo"
			ws, ok := ap.p.Get("aws:lb/targetGroup:TargetGroup", runtime.WebsocketTargetGroupName(name))
			require.True(t, ok)
			require.Equal(t, float64(runtime.WebsocketPort), ws.Inputs["port"])
			rule, ok := ap.p.Get("aws:lb/listenerRule:ListenerRule", name+"-websocket")
			require.True(t, ok)
			require.Contains(t, fmt.Sprint(rule.Inputs["conditions"]), "/websocket")
			hosts, _ := ap.p.Get("aws:lb/listenerRule:ListenerRule", name+"-hosts")
			require.Less(t, rule.Inputs["priority"].(float64), hosts.Inputs["priority"].(float64))
			ports := map[float64]bool{}
			for _, lb := range ap.p.ByType("aws:ecs/service:Service")[0].Inputs["loadBalancers"].([]any) {
				ports[lb.(map[string]any)["containerPort"].(float64)] = true
			}
			require.Equal(t, map[float64]bool{8069: true, 8072: true}, ports)
		})
	}
}

// TestENC2_ServiceLogGroupsPreCreatedWithOurKey (finding 16): the log groups RDS
// log exports and Container Insights write to exist in the plan with the logs key
// and a retention, and no statement text is logged by the database.
func TestENC2_ServiceLogGroupsPreCreatedWithOurKey(t *testing.T) {
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			groups := map[string]plan.State{}
			for _, lg := range ap.p.ByType("aws:cloudwatch/logGroup:LogGroup") {
				groups[fmt.Sprint(lg.Inputs["name"])] = lg
			}
			var want []string
			for _, db := range ap.p.ByType("aws:rds/instance:Instance") {
				for _, typ := range db.Inputs["enabledCloudwatchLogsExports"].([]any) {
					want = append(want, "/aws/rds/instance/"+db.Inputs["identifier"].(string)+"/"+typ.(string))
				}
			}
			for _, cl := range ap.p.ByType("aws:ecs/cluster:Cluster") {
				for _, s := range cl.Inputs["settings"].([]any) {
					if s.(map[string]any)["name"] == "containerInsights" && s.(map[string]any)["value"] != "disabled" {
						want = append(want, "/aws/ecs/containerinsights/"+cl.Inputs["name"].(string)+"/performance")
					}
				}
			}
			require.Len(t, want, 3)
			for _, n := range want {
				lg, ok := groups[n]
				require.True(t, ok, "no log group %s", n)
				require.Regexp(t, `:kms:`, lg.Inputs["kmsKeyId"], n)
				require.Positive(t, lg.Inputs["retentionInDays"], n)
			}
			for _, pg := range ap.p.ByType("aws:rds/parameterGroup:ParameterGroup") {
				got := map[string]any{}
				for _, prm := range pg.Inputs["parameters"].([]any) {
					got[prm.(map[string]any)["name"].(string)] = prm.(map[string]any)["value"]
				}
				require.Equal(t, "-1", got["log_min_duration_statement"], "statement text carries customer values")
				require.Equal(t, "panic", got["log_min_error_statement"])
				require.NotContains(t, got, "log_statement")
			}
		})
	}
}

// TestOPS2_StackOutputsShowTheRunningImage (OPS-2): a cloud stack's outputs name the image
// its tasks run, by digest, and the Odoo version; other tiers have none.
func TestOPS2_StackOutputsShowTheRunningImage(t *testing.T) {
	for path, want := range map[string]*[3]string{
		"../examples/acme-eu/Pulumi.acme-eu.yaml": {
			"111111111111.dkr.ecr.eu-west-1.amazonaws.com/acme/docker/library/odoo@sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67",
			"sha256:259fa933bf3ee7f3e375bd74d1e0bc28bd75955159723be477359e0fdb8acf67", "18.0",
		},
		"../examples/pioneer-us/Pulumi.pioneer-us.yaml": nil,
	} {
		bp, err := stacks.Prepare(path, planNow)
		require.NoError(t, err)
		var out *stacks.Outputs
		var image string
		_, err = plan.Run(stacks.Project, bp.Config.Stack, func(ctx *pulumi.Context) error {
			var err error
			if out, err = stacks.Run(ctx, bp, offline.Secrets(bp)); err != nil || out.Odoo == nil {
				return err
			}
			out.Odoo.Image.ApplyT(func(s string) string { image = s; return s })
			return nil
		})
		require.NoError(t, err)
		if want == nil {
			require.Nil(t, out.Odoo, path)
			continue
		}
		require.NotNil(t, out.Odoo, path)
		require.Equal(t, *want, [3]string{image, out.Odoo.ImageDigest, out.Odoo.Version})
	}
}

// TestMailThroughTheConfiguredRelayWithItsPasswordAsASecret (finding 10): a stack
// with odoo.mail sends through SES in its own region or its named server, with
// STARTTLS, its password only from Secrets Manager (our key); without odoo.mail Odoo
// has no relay.
func TestMailThroughTheConfiguredRelayWithItsPasswordAsASecret(t *testing.T) {
	withMail := 0
	for _, ap := range appPlans(t) {
		t.Run(ap.name, func(t *testing.T) {
			cfg := ap.bp.Config
			cs := taskContainers(t, ap.p)
			o := options(t, cs["setup"])
			from := map[string]string{}
			for _, s := range cs["setup"].Secrets {
				from[s["name"]] = s["valueFrom"]
			}
			smtp, hasSecret := ap.p.Get("aws:secretsmanager/secret:Secret", cfg.Name()+"-odoo-smtp")
			if cfg.Odoo.Mail == nil {
				require.NotContains(t, o, "smtp_server")
				require.NotContains(t, from, "SMTP_PASSWORD")
				require.False(t, hasSecret)
				return
			}
			withMail++
			require.Equal(t, cfg.MailHost(), o["smtp_server"])
			if cfg.Odoo.Mail.Relay == "ses" {
				require.Equal(t, "email-smtp."+cfg.Region+".amazonaws.com", o["smtp_server"], "SES in the stack's region (RES-1)")
			}
			require.Equal(t, "True", o["smtp_ssl"], "STARTTLS")
			require.Contains(t, []string{"587", "2587"}, o["smtp_port"])
			require.Equal(t, cfg.Odoo.Mail.User, o["smtp_user"])
			require.NotContains(t, o, "smtp_password")
			require.True(t, hasSecret)
			require.Regexp(t, `:kms:`, smtp.Inputs["kmsKeyId"])
			require.Regexp(t, `:secret/`+regexp.QuoteMeta(cfg.Name())+`-odoo-smtp-[0-9a-f]{8}$`, from["SMTP_PASSWORD"])
			v, _ := ap.p.Get("aws:secretsmanager/secretVersion:SecretVersion", cfg.Name()+"-odoo-smtp")
			require.Equal(t, plan.Secret, v.Inputs["secretString"])
		})
	}
	require.Positive(t, withMail, "an example sends mail")
}
