"""Implementation's pure rules, standard library only (import-linter keeps it so): the task plan
and its checks (`plan`), progress against plan (`progress`), working days with 调休
(`workdays`), reporting periods (`cadence`) and escalating reminders (`reminders`)."""
