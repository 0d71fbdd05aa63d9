// Command gonm-vm drives the kernel VM test tier by hand: `gonm-vm image`
// builds (or finds in the cache) the guest image, as `make vm-image` does;
// `gonm-vm run -- CMD ARGS...` boots a guest and runs one command in it as
// root, with the repository shared at its own path, printing the command's
// output and exiting with its status.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gonm/gonm/internal/vmtest"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch os.Args[1] {
	case "image":
		os.Exit(imageCmd(ctx, os.Args[2:]))
	case "run":
		os.Exit(runCmd(ctx, os.Args[2:]))
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gonm-vm image\n       gonm-vm run [-timeout D] [-console] [-share HOST:GUEST[:ro]]... -- CMD [ARGS...]")
	os.Exit(2)
}

func imageCmd(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("image", flag.ExitOnError)
	_ = fs.Parse(args)
	if ok, why := vmtest.Available(); !ok {
		fmt.Fprintf(os.Stderr, "gonm-vm: the kernel VM cannot run here: %s\n", why)
		return 1
	}
	start := time.Now()
	img, err := vmtest.EnsureImage(ctx, vmtest.BuildOptions{Log: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gonm-vm: %v\n", err)
		return 1
	}
	how := "cached"
	if img.Built {
		how = "built"
	}
	fmt.Printf("kernel VM image (%s, %s, %.1fs): %s\n", img.KernelRelease, how, time.Since(start).Seconds(), img.Dir)
	return 0
}

type shareList []vmtest.Share

func (s *shareList) String() string { return fmt.Sprint(*s) }

func (s *shareList) Set(v string) error {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" || (len(parts) == 3 && parts[2] != "ro") {
		return fmt.Errorf("want HOST:GUEST or HOST:GUEST:ro, got %q", v)
	}
	*s = append(*s, vmtest.Share{HostPath: parts[0], GuestPath: parts[1], ReadOnly: len(parts) == 3})
	return nil
}

func runCmd(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	timeout := fs.Duration("timeout", 10*time.Minute, "bound on the whole run, boot included")
	console := fs.Bool("console", false, "print the guest console (kernel and init messages) to stderr")
	var shares shareList
	fs.Var(&shares, "share", "share a host directory with the guest (repeatable)")
	_ = fs.Parse(args)
	argv := fs.Args()
	if len(argv) == 0 {
		usage()
	}
	if ok, why := vmtest.Available(); !ok {
		fmt.Fprintf(os.Stderr, "gonm-vm: the kernel VM cannot run here: %s\n", why)
		return 1
	}
	img, err := vmtest.EnsureImage(ctx, vmtest.BuildOptions{Log: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "gonm-vm: %v\n", err)
		return 1
	}
	opts := vmtest.RunOptions{
		Image: img, Argv: argv, Timeout: *timeout, Output: os.Stdout, Shares: shares,
		Env: []string{"PATH=/usr/sbin:/usr/bin", "HOME=/root", "TERM=dumb"},
	}
	if root, err := vmtest.RepoRoot(); err == nil {
		opts.Shares = append(opts.Shares, vmtest.Share{HostPath: root, GuestPath: root, ReadOnly: true})
		opts.Dir, _ = os.Getwd()
	}
	if *console {
		opts.Console = os.Stderr
	}
	res, err := vmtest.Run(ctx, opts)
	if res != nil {
		fmt.Fprintf(os.Stderr, "gonm-vm: boot %.1fs (guest uptime at start %.1fs, %d modules in %.1fs), total %.1fs\n",
			res.Boot.Seconds(), res.Status.StartUptime, res.Status.ModulesLoaded, res.Status.ModuleSeconds, res.Total.Seconds())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gonm-vm: %v\n", err)
		return 1
	}
	return res.ExitCode
}
