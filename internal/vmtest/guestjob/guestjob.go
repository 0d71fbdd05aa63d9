// Package guestjob is the contract between the kernel VM runner on the host
// (internal/vmtest) and the init program in the guest
// (internal/vmtest/guestinit): the job description the host writes into the
// shared run directory, and the names of the files through which the guest
// answers. It owns nothing else and imports only the standard library, so
// the guest's init stays small and changes to the host side do not rebuild
// the image.
package guestjob

import (
	"fmt"
	"strconv"
	"strings"
)

// RunTag is the 9p mount tag of the run directory; the guest mounts it at
// RunDir.
const (
	RunTag = "gonmrun"
	RunDir = "/run/gonm-vm"
)

// Files in the run directory.
const (
	JobFile    = "job.json"
	OutputFile = "output" // the job's stdout and stderr, written as it runs
	StatusFile = "status" // StatusLines, appended as they happen
)

// Job is what the guest runs.
type Job struct {
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
	// TimeoutMillis bounds the job inside the guest; at the end the job's
	// process group gets SIGQUIT (a Go test binary then prints its
	// goroutines) and SIGKILL a few seconds later.
	TimeoutMillis int64   `json:"timeout_ms"`
	Shares        []Share `json:"shares"`
}

// Share is a host directory shared over 9p, mounted in the guest at Path.
type Share struct {
	Tag      string `json:"tag"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"readonly"`
}

// Status lines the guest appends to StatusFile:
//
//	boot UPTIME MODULES_SECONDS MODULES_LOADED MODULE_ERRORS
//	start UPTIME
//	exit CODE UPTIME (the job's exit status, 128+N for a signal N)
//	timeout
//	error MESSAGE    (the guest could not run the job)
type Status struct {
	Booted        bool
	BootUptime    float64
	ModuleSeconds float64
	ModulesLoaded int
	ModuleErrors  int
	Started       bool
	StartUptime   float64
	Exited        bool
	ExitCode      int
	ExitUptime    float64
	TimedOut      bool
	Error         string
	Unrecognized  []string
}

// ParseStatus reads the status file's text. Lines it does not know are
// kept in Unrecognized rather than failing, so a host and guest of slightly
// different versions still report what they can.
func ParseStatus(text string) Status {
	var s Status
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "boot" && len(f) == 5:
			s.Booted = true
			s.BootUptime, _ = strconv.ParseFloat(f[1], 64)
			s.ModuleSeconds, _ = strconv.ParseFloat(f[2], 64)
			s.ModulesLoaded, _ = strconv.Atoi(f[3])
			s.ModuleErrors, _ = strconv.Atoi(f[4])
		case f[0] == "start" && len(f) == 2:
			s.Started = true
			s.StartUptime, _ = strconv.ParseFloat(f[1], 64)
		case f[0] == "exit" && (len(f) == 2 || len(f) == 3):
			code, err := strconv.Atoi(f[1])
			if err != nil {
				s.Unrecognized = append(s.Unrecognized, line)
				continue
			}
			s.Exited, s.ExitCode = true, code
			if len(f) == 3 {
				s.ExitUptime, _ = strconv.ParseFloat(f[2], 64)
			}
		case f[0] == "timeout" && len(f) == 1:
			s.TimedOut = true
		case f[0] == "error":
			s.Error = strings.TrimSpace(strings.TrimPrefix(line, "error"))
		default:
			s.Unrecognized = append(s.Unrecognized, line)
		}
	}
	return s
}

// FormatBoot and the others write the status lines ParseStatus reads.
func FormatBoot(uptime, moduleSeconds float64, loaded, failed int) string {
	return fmt.Sprintf("boot %.3f %.3f %d %d\n", uptime, moduleSeconds, loaded, failed)
}

func FormatStart(uptime float64) string { return fmt.Sprintf("start %.3f\n", uptime) }

func FormatExit(code int, uptime float64) string {
	return fmt.Sprintf("exit %d %.3f\n", code, uptime)
}

func FormatError(msg string) string {
	return "error " + strings.ReplaceAll(msg, "\n", " ") + "\n"
}

const TimeoutLine = "timeout\n"
