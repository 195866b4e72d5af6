"""Answers of the ghost API in both formats, as ghost-api.md writes them."""

from __future__ import annotations

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPE = {"json": "application/json", "xml": "application/xml;charset=UTF-8"}

CARRIERS = {
    "json": '[{"id": 10, "name": "DHL", "cost": 9.8}, {"id": 20, "name": "UPS", "cost": 12}]',
    "xml": XML_HEAD + '<collection><carrier id="10" name="DHL" cost="9.80"/>'
    '<carrier id="20" name="UPS" cost="12"/></collection>',
}

RESERVATION = {
    "json": '{"models": [{"stock_id": 3, "locked": 11, "available": 5},'
    ' {"stock_id": 7, "locked": 0, "available": 2}], "order_id": 1000}',
    "xml": XML_HEAD + '<root order_id="1000"><model stock_id="3" locked="11" available="5"/>'
    '<model stock_id="7" locked="0" available="2"/></root>',
}

EMPTY_RESERVATION = {"json": '{"models": [], "order_id": 0}', "xml": XML_HEAD + '<root order_id="0"/>'}

PLACED = {
    "json": '{"models": [{"stock_id": 3, "locked": 1, "available": 5}],'
    ' "order_id": 1002, "order_ids": [1001, 1002]}',
    "xml": XML_HEAD + '<root order_id="1002"><model stock_id="3" locked="1" available="5"/></root>',
}

ORDER_STATUS = {
    "json": '{"orders": [{"order_id": 130, "ext_ref": "2357", "status": 3, "substatus": null,'
    ' "last_update": "2021/02/03 14:36:55 +0200", "parsedDate": 1612356415000,'
    ' "tracking_code": "1Z999", "tracking_url": "https://track.example/1Z999", "carrier_name": "UPS"}]}',
    "xml": XML_HEAD + "<root><order_list><order><order_id>130</order_id><ext_ref>2357</ext_ref>"
    "<status>3</status><substatus/><last_update>2021/02/03 14:36:55 +0200</last_update>"
    "<parsedDate>2021-02-03T14:36:55+02:00</parsedDate><tracking_code>1Z999</tracking_code>"
    "<tracking_url>https://track.example/1Z999</tracking_url><carrier_name>UPS</carrier_name>"
    "</order></order_list></root>",
}

BOOKED_STATUS = {
    "json": '{"orders": [{"order_id": 131, "ext_ref": null, "status": 5, "substatus": null,'
    ' "last_update": "2021/02/03 14:36:55 +0000", "parsedDate": 1612363015000,'
    ' "tracking_code": null, "tracking_url": null, "carrier_name": null}]}',
    "xml": XML_HEAD + "<root><order_list><order><order_id>131</order_id><ext_ref/><status>5</status>"
    "<substatus/><last_update>2021/02/03 14:36:55 +0000</last_update>"
    "<parsedDate>2021-02-03T14:36:55+00:00</parsedDate><tracking_code/><tracking_url/><carrier_name/>"
    "</order></order_list></root>",
}

RETURN_OK = {
    "json": '{"status": true, "code": 0, "message": ""}',
    "xml": XML_HEAD + '<response status="true" code="0" message=""/>',
}

RETURN_REFUSED = {
    "json": '{"status": false, "code": 3, "message": "order 912120 is not dispatched"}',
    "xml": XML_HEAD + '<response status="false" code="3" message="order 912120 is not dispatched"/>',
}

RETURNS = {
    "json": '{"orderId": 912120, "items": [{"stockModelId": 182179, "quantity": 1, "reasonCode": 2,'
    ' "status": 1, "refundStatus": 0, "notes": "damaged", "requestExtRef": "123",'
    ' "returnCode": "R-77", "pdfLink": "/restful/returnedgoods/print/R-77.pdf"},'
    ' {"stockModelId": 182179, "quantity": 1, "reasonCode": 2, "status": 0, "refundStatus": 0,'
    ' "notes": null, "requestExtRef": null, "returnCode": null, "pdfLink": null}]}',
    "xml": XML_HEAD + '<returnedGoodRequest orderId="912120">'
    '<returnedGoodRequestItem stockModelId="182179" quantity="1" reasonCode="2" status="1" refundStatus="0"'
    ' notes="damaged" requestExtRef="123" returnCode="R-77" pdfLink="/restful/returnedgoods/print/R-77.pdf"/>'
    '<returnedGoodRequestItem stockModelId="182179" quantity="1" reasonCode="2" status="0" refundStatus="0"/>'
    "</returnedGoodRequest>",
}

LOCALES = {
    "json": '[{"key": "en_US", "value": "English"}, {"key": "it_IT", "value": "Italiano"}]',
    "xml": XML_HEAD
    + '<wrapper><value key="en_US">English</value><value key="it_IT">Italiano</value></wrapper>',
}

TAGS = {
    "json": '[{"key": "brand", "value": "Acme"}, {"key": "category", "value": "Shoes"}]',
    "xml": XML_HEAD + '<wrapper><value key="brand">Acme</value><value key="category">Shoes</value></wrapper>',
}

_XML_ITEM = """<item><id>{id}</id><name>Runner {id}</name><code>RUN-{id}</code><brand>Acme</brand>
<streetPrice>120.00</streetPrice><suggestedPrice>99.9</suggestedPrice><taxable>45.50</taxable>
<bestTaxable>44.00</bestTaxable><currency>EUR</currency><weight>1.2</weight><availability>7</availability>
<madein>IT</madein><hs>640399</hs><online>true</online><intangible>false</intangible>
<pictures><image><id>9</id><url>https://img.example/{id}.jpg</url><name>front</name>
<modelIds>{id}01,{id}02</modelIds></image></pictures>
<localizations><description><localevalue localecode="en_US">A shoe &amp; more</localevalue>
<localevalue localecode="it_IT">Una scarpa</localevalue></description></localizations>
<tags><tag><name>brand</name><value><value>Acme</value>
<localevalue localecode="en_US">Acme</localevalue></value></tag>
<tag><name>color</name><value><value>rosso</value>
<localevalue localecode="en_US">red</localevalue></value></tag>
</tags>
<models><model><id>{id}01</id><model>42</model><code>RUN-{id}-42</code><barcode>800000000001</barcode>
<color>red</color><size>42</size><streetPrice>120.00</streetPrice><suggestedPrice>99.90</suggestedPrice>
<taxable>45.50</taxable><bestTaxable>44.00</bestTaxable><currency>EUR</currency><modelWeight>1.2</modelWeight>
<availability>3</availability><backorder>false</backorder><lastUpdate>2021-02-03T14:36:55+00:00</lastUpdate>
</model><model><id>{id}02</id><size>43</size><availability>4</availability></model></models></item>"""

_JSON_ITEM = """{{"id": {id}, "name": "Runner {id}", "code": "RUN-{id}", "brand": "Acme",
"streetPrice": 120.0,
"suggestedPrice": 99.9, "taxable": 45.5, "bestTaxable": 44.0, "currency": "EUR", "weight": 1.2,
"availability": 7, "madein": "IT", "hs": "640399", "online": true, "intangible": false,
"images": [{{"id": 9, "url": "https://img.example/{id}.jpg", "name": "front", "modelIds": [{id}01, {id}02]}}],
"productLocalizations": {{"description": {{"en_US": {{"value": "A shoe & more"}},
"it_IT": {{"value": "Una scarpa"}}}}}},
"tags": [{{"name": "brand", "value": {{"value": "Acme", "localeValues": {{"en_US": {{"value": "Acme"}}}}}}}},
{{"name": "color", "value": {{"value": "rosso", "localeValues": {{"en_US": {{"value": "red"}}}}}}}}],
"models": [{{"id": {id}01, "model": "42", "code": "RUN-{id}-42", "barcode": "800000000001", "color": "red",
"size": "42", "streetPrice": 120.0, "suggestedPrice": 99.9, "taxable": 45.5, "bestTaxable": 44.0,
"currency": "EUR", "modelWeight": 1.2, "availability": 3, "backorder": false,
"lastUpdate": "2021-02-03T14:36:55+00:00"}},
{{"id": {id}02, "size": "43", "availability": 4}}]}}"""


def catalog(fmt: str, ids: list[int], last_update: str = "2021-02-03T14:36:55.322+01:00") -> bytes:
    """A catalog export of products with these ids."""
    if fmt == "xml":
        items = "".join(_XML_ITEM.format(id=i) for i in ids)
        return (
            f'{XML_HEAD}<page lastUpdate="{last_update}" totalNumberOfElements="{len(ids)}" totalPages="1"'
            f' pageSize="{len(ids)}" currentPage="1"><items>{items}</items></page>'
        ).encode()
    items = ",".join(_JSON_ITEM.format(id=i) for i in ids)
    return f'{{"pageItems": [{items}], "totalItems": {len(ids)}, "lastUpdate": "{last_update}"}}'.encode()
