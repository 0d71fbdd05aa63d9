package nmcli

// The editor's "help <command>" texts, as nmcli 1.42 prints them.

// The overviews "help" prints without an argument, in each menu.
const (
	editorMainMenu = editorRule + "---[ Main menu ]---\n" +
		"goto     [<setting> | <prop>]        :: go to a setting or property\n" +
		"remove   <setting>[.<prop>] | <prop> :: remove setting or reset property value\n" +
		"set      [<setting>.<prop> <value>]  :: set property value\n" +
		"describe [<setting>.<prop>]          :: describe property\n" +
		"print    [all | <setting>[.<prop>]]  :: print the connection\n" +
		"verify   [all | fix]                 :: verify the connection\n" +
		"save     [persistent|temporary]      :: save the connection\n" +
		"activate [<ifname>] [/<ap>|<nsp>]    :: activate the connection\n" +
		"back                                 :: go one level up (back)\n" +
		"help/?   [<command>]                 :: print this help\n" +
		"nmcli    <conf-option> <value>       :: nmcli configuration\n" +
		"quit                                 :: exit nmcli\n" + editorRule
	editorSubMenu = editorRule + "---[ Property menu ]---\n" +
		"set      [<value>]               :: set new value\n" +
		"add      [<value>]               :: add new option to the property\n" +
		"change                           :: change current value\n" +
		"remove   [<index> | <option>]    :: delete the value\n" +
		"describe                         :: describe property\n" +
		"print    [setting | connection]  :: print property (setting/connection) value(s)\n" +
		"back                             :: go to upper level\n" +
		"help/?   [<command>]             :: print this help or command description\n" +
		"quit                             :: exit nmcli\n" + editorRule
)

var editorMainCommandHelp = map[string]string{
	"goto": "goto <setting>[.<prop>] | <prop>  :: enter setting/property for editing\n\n" +
		"This command enters into a setting or property for editing it.\n\n" +
		"Examples: nmcli> goto connection\n" +
		"          nmcli connection> goto secondaries\n" +
		"          nmcli> goto ipv4.addresses\n",
	"remove": "remove <setting>[.<prop>]  :: remove setting or reset property value\n\n" +
		"This command removes an entire setting from the connection, or if a property\n" +
		"is given, resets that property to the default value.\n\n" +
		"Examples: nmcli> remove wifi-sec\n" +
		"          nmcli> remove eth.mtu\n",
	"set": "set [<setting>.<prop> <value>]  :: set property value\n\n" +
		"This command sets property value.\n\n" +
		"Example: nmcli> set con.id My connection\n",
	"add": "add [<setting>.<prop> <value>]  :: add property value\n\n" +
		"This command appends property value.\n\n" +
		"Example: nmcli> add ipv4.addresses 192.168.1.1/24\n",
	"describe": "describe [<setting>.<prop>]  :: describe property\n\n" +
		"Shows property description. You can consult nm-settings(5) manual page to see all NM settings and properties.\n",
	"print": "print [all]  :: print setting or connection values\n\n" +
		"Shows current property or the whole connection.\n\n" +
		"Example: nmcli ipv4> print all\n",
	"verify": "verify [all | fix]  :: verify setting or connection validity\n\n" +
		"Verifies whether the setting or connection is valid and can be saved later.\n" +
		"It indicates invalid values on error. Some errors may be fixed automatically\n" +
		"by 'fix' option.\n\n" +
		"Examples: nmcli> verify\n" +
		"          nmcli> verify fix\n" +
		"          nmcli bond> verify\n",
	"save": "save [persistent|temporary]  :: save the connection\n\n" +
		"Sends the connection profile to NetworkManager that either will save it\n" +
		"persistently, or will only keep it in memory. 'save' without an argument\n" +
		"means 'save persistent'.\n" +
		"Note that once you save the profile persistently those settings are saved\n" +
		"across reboot or restart. Subsequent changes can also be temporary or\n" +
		"persistent, but any temporary changes will not persist across reboot or\n" +
		"restart. If you want to fully remove the persistent connection, the connection\n" +
		"profile must be deleted.\n",
	"activate": "activate [<ifname>] [/<ap>|<nsp>]  :: activate the connection\n\n" +
		"Activates the connection.\n\n" +
		"Available options:\n" +
		"<ifname>    - device the connection will be activated on\n" +
		"/<ap>|<nsp> - AP (Wi-Fi) or NSP (WiMAX) (prepend with / when <ifname> is not specified)\n",
	"back": "back  :: go to upper menu level\n\n",
	"help": "help/? [<command>]  :: help for the nmcli commands\n\n",
	"nmcli": "nmcli [<conf-option> <value>]  :: nmcli configuration\n\n" +
		"Configures nmcli. The following options are available:\n" +
		"status-line yes | no          [default: no]\n" +
		"save-confirmation yes | no    [default: yes]\n" +
		"show-secrets yes | no         [default: no]\n" +
		"prompt-color <color> | <0-8>  [default: 0]\n" +
		"  0 = normal\n" +
		"  1 = \x1b[30mblack\x1b[0m\n" +
		"  2 = \x1b[31mred\x1b[0m\n" +
		"  3 = \x1b[32mgreen\x1b[0m\n" +
		"  4 = \x1b[33myellow\x1b[0m\n" +
		"  5 = \x1b[34mblue\x1b[0m\n" +
		"  6 = \x1b[35mmagenta\x1b[0m\n" +
		"  7 = \x1b[36mcyan\x1b[0m\n" +
		"  8 = \x1b[37mwhite\x1b[0m\n" +
		"\n" +
		"Examples: nmcli> nmcli status-line yes\n" +
		"          nmcli> nmcli save-confirmation no\n" +
		"          nmcli> nmcli prompt-color 3\n",
	"quit": "quit  :: exit nmcli\n\n" +
		"This command exits nmcli. When the connection being edited is not saved, the user is asked to confirm the action.\n",
}

var editorSubCommandHelp = map[string]string{
	"set": "set [<value>]  :: set new value\n\n" +
		"This command sets provided <value> to this property\n",
	"add": "add [<value>]  :: append new value to the property\n\n" +
		"This command adds provided <value> to this property, if the property is of a container type. For single-valued properties the property value is replaced (same as 'set').\n",
	"change": "change  :: change current value\n\n" +
		"Displays current value and allows editing it.\n",
	"remove": "remove [<value>|<index>|<option name>]  :: delete the value\n\n" +
		"Removes the property value. For single-valued properties, this sets the\n" +
		"property back to its default value. For container-type properties, this removes\n" +
		"all the values of that property or you can specify an argument to remove just\n" +
		"a single item or option. The argument is either a value or index of the item to\n" +
		"remove, or an option name (for properties with named options).\n\n" +
		"Examples: nmcli ipv4.dns> remove 8.8.8.8\n" +
		"          nmcli ipv4.dns> remove 2\n" +
		"          nmcli bond.options> remove downdelay\n\n",
	"describe": "describe  :: describe property\n\n" +
		"Shows property description. You can consult nm-settings(5) manual page to see all NM settings and properties.\n",
	"print": "print [property|setting|connection]  :: print property (setting, connection) value(s)\n\n" +
		"Shows property value. Providing an argument you can also display values for the whole setting or connection.\n",
	"back": "back  :: go to upper menu level\n\n",
	"help": "help/? [<command>]  :: help for nmcli commands\n\n",
	"quit": "quit  :: exit nmcli\n\n" +
		"This command exits nmcli. When the connection being edited is not saved, the user is asked to confirm the action.\n",
}
