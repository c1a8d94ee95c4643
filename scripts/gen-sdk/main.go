// Command gen-sdk checks the package schema with the Pulumi CLI's own schema binder and generates
// the Python SDK from it. Built and run by scripts/gen-sdk.sh (npm run gen:sdk).
//
//	gen-sdk -schema schema.json -out sdk/python     # bind (fail on any diagnostic), then write the SDK
//	gen-sdk -schema schema.json -check              # bind only
//
// The output folder is replaced as a whole: every file in it comes from the generator.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-huaweicloud-kms gen-sdk"

// noLoader refuses every other package: this schema references none.
type noLoader struct{}

func refuse(name string) error {
	return fmt.Errorf("schema.json references package %q; gen-sdk loads no other packages", name)
}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, refuse(pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, refuse(d.Name)
}

func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, refuse(pkg)
}

func (noLoader) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, refuse(d.Name)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[gen-sdk] "+format+"\n", args...)
}

func main() {
	schemaPath := flag.String("schema", "schema.json", "the package schema")
	out := flag.String("out", "", "the folder to write the Python SDK into (replaced as a whole)")
	check := flag.Bool("check", false, "bind the schema only")
	flag.Parse()
	if err := run(*schemaPath, *out, *check); err != nil {
		logf("error: %v", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string, check bool) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	logf("binding %s (package %s %s) with schema.BindSpec", schemaPath, spec.Name, spec.Version)
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return fmt.Errorf("binding %s: %w", schemaPath, err)
	}
	if len(diags) > 0 {
		for _, d := range diags {
			severity := "error"
			if d.Severity == hcl.DiagWarning {
				severity = "warning"
			}
			where := ""
			if d.Subject != nil {
				where = d.Subject.String() + ": "
			}
			detail := ""
			if d.Detail != "" {
				detail = " (" + d.Detail + ")"
			}
			fmt.Fprintf(os.Stderr, "bind diagnostic: %s: %s%s%s\n", severity, where, d.Summary, detail)
		}
		return fmt.Errorf("%s: %d bind diagnostic(s)", schemaPath, len(diags))
	}
	logf("bind diagnostics: none")
	if check {
		return nil
	}
	if out == "" {
		return errors.New("-out is required unless -check is given")
	}

	files, err := python.GeneratePackage(tool, pkg, nil, noLoader{})
	if err != nil {
		return fmt.Errorf("python.GeneratePackage: %w", err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)

	// Written beside the target, then swapped in, so a failure leaves the old SDK in place.
	tmp := out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for _, name := range names {
		path := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	logf("wrote %d files into %s", len(names), out)
	return nil
}
