"""Small byte builders for ingestion tests (WARC records, gzip, encodings)."""

from __future__ import annotations

import gzip
import io

PAGE = (
    "<html><head><title>{title}</title></head><body><nav>Home | Blog</nav><article>"
    "<h1>{title}</h1><p>{body}</p></article><footer>Copyright</footer></body></html>"
)

BODY = (
    "Agreeing with your therapist on what to work on gives every session a purpose. "
    "Reviewing those goals every few weeks keeps the plan honest and the bond strong."
)


def page(title: str = "A page written for tests", body: str = BODY) -> str:
    return PAGE.format(title=title, body=body)


def warc_bytes(records: list[tuple[str, str, bytes]], compress: bool = False) -> bytes:
    """A WARC with a warcinfo record, then a request + response per (url, content_type, body)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for url, ctype, body in records:
        req = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                        http_headers=StatusAndHeaders("GET / HTTP/1.1", [],
                                                                      is_http_request=True))
        writer.write_record(req)
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                      http_headers=headers)
        )
    return out.getvalue()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)
