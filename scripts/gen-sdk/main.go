// Command gen-sdk checks the package schema with the Pulumi CLI's own schema binder and generates
// the Python and Go SDKs from it. Built and run by scripts/gen-sdk.sh (npm run gen:sdk).
//
//	gen-sdk -schema schema.json -python sdk/python -go sdk/go   # bind (fail on any diagnostic), then write the SDKs
//	gen-sdk -schema schema.json -check                          # bind only
//
// Each output folder is replaced as a whole: every file in it comes from the generator. The Go SDK
// is a module of its own: its go.mod (module = language.go.importBasePath minus its last element,
// requiring the Pulumi Go SDK at goSdkVersion) is written here and completed by `go mod tidy`
// (which also writes go.sum), because the generator writes a go.mod only for "supportPack" schemas.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-huaweicloud-kms gen-sdk"

// goSdkVersion is the github.com/pulumi/pulumi/sdk/v3 release the Go SDK requires: one the Go
// module proxy serves (not every release is), the CLI's own (scripts/pulumi-cli.sh), so that Go
// programs using this SDK build from modules and compiled packages the CLI build left in Go's
// caches.
const goSdkVersion = "v3.277.0"

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
	pythonOut := flag.String("python", "", "the folder to write the Python SDK into (replaced as a whole)")
	goOut := flag.String("go", "", "the folder to write the Go SDK module into (replaced as a whole)")
	check := flag.Bool("check", false, "bind the schema only")
	flag.Parse()
	if err := run(*schemaPath, *pythonOut, *goOut, *check); err != nil {
		logf("error: %v", err)
		os.Exit(1)
	}
}

func run(schemaPath, pythonOut, goOut string, check bool) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, err := bind(schemaPath, spec)
	if err != nil || check {
		return err
	}
	if pythonOut == "" && goOut == "" {
		return errors.New("-python or -go is required unless -check is given")
	}
	if pythonOut != "" {
		files, err := python.GeneratePackage(tool, pkg, nil, noLoader{})
		if err != nil {
			return fmt.Errorf("python.GeneratePackage: %w", err)
		}
		if err := replaceFolder(pythonOut, files, nil); err != nil {
			return err
		}
	}
	if goOut != "" {
		// Bound again: GeneratePackage imports the language settings into the package it is given.
		pkg, err := bind(schemaPath, spec)
		if err != nil {
			return err
		}
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return fmt.Errorf("go.GeneratePackage: %w", err)
		}
		module, err := goModulePath(spec)
		if err != nil {
			return err
		}
		if _, ok := files["go.mod"]; ok {
			return errors.New("go.GeneratePackage wrote a go.mod of its own (schema meta.supportPack?); gen-sdk writes it")
		}
		files["go.mod"] = []byte(fmt.Sprintf("module %s\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n", module, goSdkVersion))
		if err := replaceFolder(goOut, files, goModTidy); err != nil {
			return err
		}
	}
	return nil
}

// bind runs the CLI's schema binder and fails listing every diagnostic.
func bind(schemaPath string, spec schema.PackageSpec) (*schema.Package, error) {
	logf("binding %s (package %s %s) with schema.BindSpec", schemaPath, spec.Name, spec.Version)
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("binding %s: %w", schemaPath, err)
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
		return nil, fmt.Errorf("%s: %d bind diagnostic(s)", schemaPath, len(diags))
	}
	logf("bind diagnostics: none")
	return pkg, nil
}

// goModulePath is the Go SDK's module path: the folder above the package's import path, where
// go.mod sits (as Pulumi's own packed SDKs lay it out).
func goModulePath(spec schema.PackageSpec) (string, error) {
	var info struct {
		ImportBasePath string `json:"importBasePath"`
	}
	if raw, ok := spec.Language["go"]; ok {
		if err := json.Unmarshal(raw, &info); err != nil {
			return "", fmt.Errorf("language.go: %w", err)
		}
	}
	if !strings.Contains(info.ImportBasePath, "/") {
		return "", fmt.Errorf("schema.json's language.go.importBasePath %q is not a module path plus a package folder", info.ImportBasePath)
	}
	return path.Dir(info.ImportBasePath), nil
}

// goModTidy completes go.mod with every module the SDK needs and writes go.sum, offline when the
// module cache holds them (GOFLAGS may say GOPROXY=off), from the Go module proxy otherwise.
func goModTidy(dir string) error {
	logf("go mod tidy (github.com/pulumi/pulumi/sdk/v3 %s)", goSdkVersion)
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %w", dir, err)
	}
	return nil
}

// replaceFolder writes files beside the target, runs finish on them, then swaps them in, so a
// failure leaves the old SDK in place.
func replaceFolder(out string, files map[string][]byte, finish func(dir string) error) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)

	tmp := out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for _, name := range names {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	if finish != nil {
		if err := finish(tmp); err != nil {
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
