"""CareNet's own date formats per language (settings.FORMAT_MODULE_PATH).

Only English is changed: day first, as in Ukraine and Poland, never the US month first.
Ukrainian and Polish keep Django's formats; what a module here leaves out comes from Django's.
"""
