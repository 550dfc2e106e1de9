package awsruntime

import (
	"encoding/json"
	"fmt"
	"strings"

	concept "github.com/octura/odoo-hosting/components/runtime"
)

// ContainerName is the name of the Odoo container in the task.
const ContainerName = "odoo"

// FileStoreVolume is the task volume that holds the Odoo file store.
const FileStoreVolume = "filestore"

// ContainerInputs are the values the container definition needs that are known
// only once other resources exist.
type ContainerInputs struct {
	DatabaseHost      string
	DatabaseSecretArn string
	LogGroup          string
	Region            string
}

// ContainerDefinitions returns the task's container definitions as JSON: the image
// from configuration, the database host in the environment and the user and
// password only as secrets read from Secrets Manager (IAM-6), the file store
// mounted, and logs to the encrypted log group.
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
	def := []map[string]any{{
		"name":      ContainerName,
		"image":     concept.ImageRef(s),
		"essential": true,
		"portMappings": []map[string]any{{
			"containerPort": concept.AppPort, "protocol": "tcp",
		}},
		"environment": []kv{
			{Name: "HOST", Value: in.DatabaseHost},
			{Name: "PORT", Value: "5432"},
		},
		// The RDS-managed secret is JSON with username and password keys.
		"secrets": []secret{
			{Name: "USER", ValueFrom: in.DatabaseSecretArn + ":username::"},
			{Name: "PASSWORD", ValueFrom: in.DatabaseSecretArn + ":password::"},
		},
		"mountPoints": []map[string]any{{
			"sourceVolume": FileStoreVolume, "containerPath": concept.FileStorePath, "readOnly": false,
		}},
		"readonlyRootFilesystem": false,
		"linuxParameters":        map[string]any{"initProcessEnabled": true}, // needed by ECS Exec
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group": in.LogGroup, "awslogs-region": in.Region, "awslogs-stream-prefix": ContainerName,
			},
		},
	}}
	b, err := json.Marshal(def)
	return string(b), err
}

// regionOfArn returns the region field of an ARN.
func regionOfArn(arn string) (string, error) {
	parts := strings.Split(arn, ":")
	if len(parts) < 6 || parts[3] == "" {
		return "", fmt.Errorf("no region in ARN %q", arn)
	}
	return parts[3], nil
}
