# Replaces the generic phonenumbers hook, which collects every submodule: tvdesk needs the
# numbering-plan metadata (loaded region by region, by module name) but not the 40 MB of
# geocoder, carrier and time-zone data, which the spec excludes.
from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("phonenumbers.data") + collect_submodules("phonenumbers.shortdata")
