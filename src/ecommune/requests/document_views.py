"""« Mes documents »: the files a signed-in resident gave, what each was used for, until
when it is kept, its download, and its deletion.

A document that a request still in progress uses cannot be deleted: the town hall needs
it to answer (the page says which request). Once every request using it is closed, the
resident may delete it; the file goes with the row unless another row of the commune
points at the same file (the same file given twice is stored once).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecommune.core.tenancy import require_commune
from ecommune.requests.documents import serve_document
from ecommune.requests.models import Document


def _mine(request):
    require_commune(request)
    return Document.objects.filter(owner=request.user, expires_at__gt=timezone.now())


def _own_document(request, pk) -> Document:
    document = _mine(request).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def blocking_requests(document) -> list:
    """The requests still in progress that use ``document`` (they forbid its deletion)."""
    return [filed for filed in document.requests.all() if not filed.is_closed]


@login_required
def my_documents(request):
    documents = list(_mine(request).prefetch_related("requests").order_by("-uploaded_at"))
    for document in documents:
        document.used_for = list(document.requests.all())
        document.blocking = [filed for filed in document.used_for if not filed.is_closed]
    return render(request, "ecommune_requests/my_documents.html", {"documents": documents})


@login_required
def download(request, pk):
    return serve_document(_own_document(request, pk), as_attachment=True)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    document = _own_document(request, pk)
    blocking = blocking_requests(document)
    if request.method == "POST" and not blocking:
        with transaction.atomic():
            storage, name = document.file.storage, document.file.name
            document.delete()
            shared = Document.objects.filter(file=name).exists()
        if name and not shared:
            storage.delete(name)
        messages.success(
            request, _("The document « %(title)s » is deleted.") % {"title": document.title}
        )
        return redirect("ecommune_requests:documents")
    return render(
        request,
        "ecommune_requests/document_delete.html",
        {"document": document, "blocking": blocking},
        status=409 if request.method == "POST" and blocking else 200,
    )
