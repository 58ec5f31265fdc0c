"""What both LibreOffice fill-in checks (office-fill-blank.py, office-fill-workbook.py) do through
Python UNO: connect to a LibreOffice listening on a pipe, and open a document, change it, save it
in a format, close it and quit LibreOffice."""
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe, office=None, seconds=90):
    """The component context of the LibreOffice on `pipe`, waiting for it to start listening
    (`office`: its process, when started here, so that an early exit is said at once)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', local)
    deadline = time.monotonic() + seconds
    while True:
        try:
            return resolver.resolve('uno:pipe,name=%s;urp;StarOffice.ComponentContext' % pipe)
        except NoConnectException:
            if office is not None and office.poll() is not None:
                raise RuntimeError('LibreOffice exited (%s) before it listened on pipe %s' % (office.returncode, pipe))
            if time.monotonic() > deadline:
                raise RuntimeError('LibreOffice did not answer on pipe %s within %d s' % (pipe, seconds))
            time.sleep(0.25)


def edit_and_save(context, source, target, filter_name, edit):
    """Opens `source` hidden, lets `edit` change it, saves it to `target` as `filter_name`, closes
    it and quits LibreOffice."""
    desktop = context.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', context)
    try:
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), '_blank', 0, (prop('Hidden', True),))
        if document is None:
            raise RuntimeError('LibreOffice could not open %s' % source)
        try:
            edit(document)
            document.storeToURL(uno.systemPathToFileUrl(target), (prop('FilterName', filter_name), prop('Overwrite', True)))
            print('saved as %s' % filter_name)
        finally:
            document.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass  # LibreOffice quits as it terminates: the bridge goes with it.
