// compose-check validates docker-compose.yml with compose-go, the loader behind `docker compose config`,
// without a Docker engine: schema, interpolation, anchors, depends_on targets and conditions.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := "docker-compose.yml"
	if len(os.Args) > 1 {
		file = os.Args[1]
	}
	opts, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithDotEnv, cli.WithName("uhr"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check:", err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose-check: invalid:", err)
		os.Exit(1)
	}
	for name, svc := range project.Services {
		for dep := range svc.DependsOn {
			if _, ok := project.Services[dep]; !ok {
				fmt.Fprintf(os.Stderr, "compose-check: %s depends on unknown service %s\n", name, dep)
				os.Exit(1)
			}
		}
		if svc.HealthCheck == nil && svc.Build == nil && name != "contracts" {
			fmt.Fprintf(os.Stderr, "compose-check: server %s has no healthcheck\n", name)
			os.Exit(1)
		}
	}
	fmt.Printf("compose-check: %s is valid (%d services)\n", file, len(project.Services))
}
