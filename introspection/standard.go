package introspection

import "sync"

// The interfaces every object of a bus service has, as the D-Bus
// specification defines them (argument names as GDBus reports them, which
// is what NetworkManager's daemon answers with).
const standardXML = `<node>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get">
      <arg name="interface_name" type="s" direction="in"/>
      <arg name="property_name" type="s" direction="in"/>
      <arg name="value" type="v" direction="out"/>
    </method>
    <method name="GetAll">
      <arg name="interface_name" type="s" direction="in"/>
      <arg name="properties" type="a{sv}" direction="out"/>
    </method>
    <method name="Set">
      <arg name="interface_name" type="s" direction="in"/>
      <arg name="property_name" type="s" direction="in"/>
      <arg name="value" type="v" direction="in"/>
    </method>
    <signal name="PropertiesChanged">
      <arg name="interface_name" type="s"/>
      <arg name="changed_properties" type="a{sv}"/>
      <arg name="invalidated_properties" type="as"/>
    </signal>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect">
      <arg name="xml_data" type="s" direction="out"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.Peer">
    <method name="Ping"/>
    <method name="GetMachineId">
      <arg name="machine_uuid" type="s" direction="out"/>
    </method>
  </interface>
  <interface name="org.freedesktop.DBus.ObjectManager">
    <method name="GetManagedObjects">
      <arg name="object_paths_interfaces_and_properties" type="a{oa{sa{sv}}}" direction="out"/>
    </method>
    <signal name="InterfacesAdded">
      <arg name="object_path" type="o"/>
      <arg name="interfaces_and_properties" type="a{sa{sv}}"/>
    </signal>
    <signal name="InterfacesRemoved">
      <arg name="object_path" type="o"/>
      <arg name="interfaces" type="as"/>
    </signal>
  </interface>
</node>`

// Names of the standard interfaces.
const (
	Properties     = "org.freedesktop.DBus.Properties"
	Introspectable = "org.freedesktop.DBus.Introspectable"
	Peer           = "org.freedesktop.DBus.Peer"
	ObjectManager  = "org.freedesktop.DBus.ObjectManager"
)

var (
	stdOnce sync.Once
	std     map[string]*Interface
)

// Standard returns one of the freedesktop interfaces every object (or, for
// ObjectManager, the manager object) implements.
func Standard(name string) (*Interface, bool) {
	stdOnce.Do(func() {
		ifaces, err := Parse([]byte(standardXML))
		if err != nil {
			panic("introspection: standard interfaces: " + err.Error())
		}
		std = map[string]*Interface{}
		for _, it := range ifaces {
			std[it.Name] = it
		}
	})
	it, ok := std[name]
	return it, ok
}
