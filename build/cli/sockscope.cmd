@echo off
rem `sockscope` for an installed Sockscope app on Windows (issue 18): runs the app's own Sockscope.exe as the command
rem line (`--cli`, src/main/desktop/cliMode.ts), so no Node install is needed. electron-builder ships this file as
rem resources\cli\sockscope.cmd (extraResources in electron-builder.yml); the app is ..\..\Sockscope.exe from here.
rem To have it on your PATH, add that resources\cli folder to PATH (the installer does not).
rem
rem Sockscope.exe is a GUI-subsystem program. What makes it usable from a console, and what does not:
rem - cmd waits for it and passes its exit status on because this is a script: at an interactive prompt cmd does not
rem   wait for a GUI program ("start /?": "This new behavior does NOT occur if executing within a command script").
rem - Its output reaches this console: Electron attaches a GUI process's stdout and stderr to the parent's console
rem   unless ELECTRON_NO_ATTACH_CONSOLE is set (shell/app/electron_main_win.cc), and redirects (> file, | more) are
rem   inherited handles. Reading stdin typed at the console (send with no MESSAGE) is not expected to work; pipe it.
rem - `--` before the arguments: Electron refuses to start, silently, when any argument follows a URL-like one
rem   (send ws://host/ hello) unless a `--` comes first (shell/app/command_line_args.cc).
rem - cmd's %* passes arguments as typed, but ^ and % are cmd's own characters: quote or double them.
rem (No parenthesised blocks: a ")" in the install path, "Program Files (x86)", would end one early. No labels either,
rem so the script works with LF line endings too.)
setlocal
set "SOCKSCOPE_APP=%~dp0..\..\Sockscope.exe"
if not exist "%SOCKSCOPE_APP%" echo sockscope: the Sockscope app is not where this script expects it: "%SOCKSCOPE_APP%" 1>&2
if not exist "%SOCKSCOPE_APP%" echo Run the copy inside the installed app, resources\cli\sockscope.cmd. 1>&2
if not exist "%SOCKSCOPE_APP%" exit /b 127
"%SOCKSCOPE_APP%" --cli -- %*
exit /b %ERRORLEVEL%
