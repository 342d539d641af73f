"""keyrings.alt: a backend IT can choose on purpose on machines without a desktop keyring.

keyring finds third-party backends through their entry points, so the distribution's
metadata must travel with the modules.
"""

from PyInstaller.utils.hooks import collect_submodules, copy_metadata

hiddenimports = collect_submodules("keyrings.alt")
datas = copy_metadata("keyrings.alt")
