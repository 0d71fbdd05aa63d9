module github.com/gonm/gonm

go 1.26.0

require (
	github.com/godbus/dbus/v5 v5.2.4
	github.com/vishvananda/netns v0.0.5
	golang.org/x/sys v0.50.0
)
